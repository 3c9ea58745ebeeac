package io.skillmix.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Pretrained models that ship with skillmix, named like a preset ({@code model.preset}). A run on one
 * fine-tunes the shipped Hugging Face folder as if {@code model.path} named it. Its files, the
 * commands that made them and their SHA-256 are in {@code resources/io/skillmix/model/NAME/README.md}.
 */
public final class PretrainedPresets {

  /**
   * The tiny preset after 1,000 steps on general English text (WordNet 3.1 synsets; conf/pretrain.conf),
   * the benchmark's base (docs/RESULTS.md): the built-in default, so the first run fine-tunes a model
   * that already writes English instead of spending its steps on bytes.
   */
  public static final String TINY_ENGLISH = "tiny-english";

  /**
   * The fine-tuning rate of {@code train.lr = auto} for the shipped base: the rate it was pretrained
   * at, which the benchmark fine-tunes it with (docs/RESULTS.md). TRL's 2e-5 for large pretrained
   * models barely moves a 0.77M-parameter model pretrained for only 1,000 steps.
   */
  public static final double TINY_ENGLISH_LR = 3e-3;

  /** The files of a shipped folder, in the order its README lists them. */
  public static final List<String> FILES = List.of("config.json", "model.safetensors", "tokenizer.json",
      "tokenizer_config.json", "special_tokens_map.json");

  private PretrainedPresets() {}

  public static boolean isPretrained(String preset) {
    return TINY_ENGLISH.equals(preset);
  }

  /**
   * The shipped folder of a pretrained preset. Read in place from the build's classes folder (the
   * launcher's and the tests' class path); from a jar, copied once to the temporary folder, since
   * a model folder is read as files.
   */
  public static Path folder(String preset) {
    if (!isPretrained(preset)) {
      throw new IllegalArgumentException("not a pretrained preset: " + preset);
    }
    String base = "/io/skillmix/model/" + preset + "/";
    URL config = PretrainedPresets.class.getResource(base + "config.json");
    if (config == null) {
      throw new IllegalStateException("the shipped model " + preset + " is missing from the class path");
    }
    try {
      if ("file".equals(config.getProtocol())) {
        return Path.of(config.toURI()).getParent();
      }
      return copied(preset, base);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path copied(String preset, String base) throws IOException {
    Path target = Path.of(System.getProperty("java.io.tmpdir"), "skillmix-models", preset);
    if (Files.isRegularFile(target.resolve(FILES.get(FILES.size() - 1)))) {
      return target; // complete: the folder is renamed into place only once every file is in it
    }
    Files.createDirectories(target.getParent());
    Path pending = Files.createTempDirectory(target.getParent(), preset + ".pending-");
    for (String file : FILES) {
      try (InputStream in = PretrainedPresets.class.getResourceAsStream(base + file)) {
        if (in == null) {
          throw new IllegalStateException("the shipped model " + preset + " lacks " + file);
        }
        Files.copy(in, pending.resolve(file));
      }
    }
    try {
      Files.move(pending, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException raced) {
      // Another JVM put it there first: the same files.
      for (String file : FILES) {
        Files.deleteIfExists(pending.resolve(file));
      }
      Files.deleteIfExists(pending);
    }
    return target;
  }
}
