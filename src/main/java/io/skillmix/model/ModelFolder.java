package io.skillmix.model;

import io.skillmix.UserError;
import io.skillmix.data.tokenizer.ByteTokenizer;
import io.skillmix.data.tokenizer.Tokenizer;
import io.skillmix.data.tokenizer.Tokenizers;
import io.skillmix.output.OutputGuard;
import io.skillmix.output.OutputMarker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * A Hugging Face model folder as skillmix reads and writes it: weights and {@code config.json}
 * (through {@link LanguageModel}), plus the tokenizer files. A built-in preset has no folder; its
 * tokenizer is the byte-level one, written out as Hugging Face files when the model is saved.
 */
public final class ModelFolder {

  /** Tokenizer and generation files carried from a source folder into a saved one. */
  public static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "tokenizer_config.json",
      "special_tokens_map.json", "generation_config.json", "vocab.json", "merges.txt",
      "tokenizer.model", "added_tokens.json", "chat_template.jinja");

  private ModelFolder() {}

  /**
   * Refuses a tokenizer that can produce ids past the model's embedding (an added token beyond
   * {@code vocab_size}): training, generation and evaluation would index out of range. Every
   * command that puts a tokenizer's ids into a model checks this first.
   */
  public static void checkVocabulary(Tokenizer tokenizer, ModelConfig config, Path folderOrNull) {
    if (tokenizer.vocabSize() > config.vocabSize()) {
      String where = folderOrNull == null ? "" : folderOrNull.resolve("tokenizer.json") + ": ";
      throw new UserError(String.format(java.util.Locale.ROOT, "%sthe tokenizer has %,d tokens"
          + " but the model's vocab_size is %,d (config.json), so ids from %,d up have no"
          + " embedding; use the tokenizer the model was trained with", where,
          tokenizer.vocabSize(), config.vocabSize(), config.vocabSize()));
    }
  }

  /** The tokenizer of a model folder, or the byte-level one for a preset (null folder). */
  public static Tokenizer tokenizer(Path folderOrNull) {
    return folderOrNull == null ? Tokenizers.bytes() : Tokenizers.load(folderOrNull);
  }

  /**
   * Saves a model with its tokenizer: {@code source} is the folder the model came from (its
   * tokenizer files are copied) or null for a preset (the byte tokenizer's files are written).
   */
  public static void save(LanguageModel model, Path source, Path folder) {
    model.save(folder);
    saveTokenizer(model.config(), source, folder);
  }

  /** The tokenizer files of {@code source} copied into {@code folder}, or the byte tokenizer's for a preset. */
  public static void saveTokenizer(ModelConfig config, Path source, Path folder) {
    try {
      if (source == null) {
        new ByteTokenizer().writeHuggingFace(folder, config.maxPositionEmbeddings());
        return;
      }
      for (String name : TOKENIZER_FILES) {
        Path file = source.resolve(name);
        if (Files.isRegularFile(file) && !file.toAbsolutePath().equals(folder.resolve(name).toAbsolutePath())) {
          Files.copy(file, folder.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The command whose outputs {@link #requireWritable} lets {@code --overwrite} write over. */
  public static final String INIT_COMMAND = "model init";

  /**
   * Checks that {@code model init} may write a model into {@code folder}, and claims it: creates it
   * and marks it as that command's output. A folder with files is refused, and with
   * {@code overwrite} accepted only when an earlier {@code model init} wrote it (its
   * {@link OutputMarker}); the files are then written over in place.
   */
  public static void requireWritable(Path folder, boolean overwrite) {
    Path target = OutputGuard.of(INIT_COMMAND, "--out", List.of()).inPlace().checkFolder(folder, overwrite);
    try {
      Files.createDirectories(target);
      OutputMarker.write(target, INIT_COMMAND);
    } catch (IOException e) {
      throw new UserError(folder + ": cannot create the model folder (" + e.getMessage() + ")");
    }
  }

  /** Whether {@code folder} exists and has anything in it: outputs are never written over silently. */
  public static boolean holdsFiles(Path folder) {
    if (!Files.isDirectory(folder)) {
      return Files.exists(folder);
    }
    try (var entries = Files.list(folder)) {
      return entries.findAny().isPresent();
    } catch (IOException e) {
      throw new UserError(folder + ": cannot read (" + e.getMessage() + ")");
    }
  }
}
