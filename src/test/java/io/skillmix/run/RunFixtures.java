package io.skillmix.run;

import ai.djl.Device;
import com.typesafe.config.Config;
import io.skillmix.config.ConfigLoader;
import io.skillmix.data.tokenizer.ByteTokenizer;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A small model folder and three small datasets on disk: a whole run in seconds. */
public final class RunFixtures {

  private RunFixtures() {}

  public static ModelConfig smallModel() {
    return new ModelConfig("llama", ByteTokenizer.VOCAB_SIZE, 32, 64, 1, 2, 1, 16, 256, 10000.0, 1e-5,
        true, false, ByteTokenizer.BOS_ID, ByteTokenizer.EOS_ID);
  }

  /** Writes the model folder and datasets under {@code dir} once; returns the folder. */
  public static Path write(Path dir) {
    try {
      Path model = dir.resolve("model");
      if (!Files.exists(model.resolve("config.json"))) {
        try (LanguageModel m = LanguageModel.random(smallModel(), Device.cpu(), 1)) {
          m.save(model);
        }
        new ByteTokenizer().writeHuggingFace(model, 256);
      }
      dataset(dir.resolve("add.jsonl"), 60, i -> "{\"instruction\": \"add " + i + " and " + (i + 1)
          + "\", \"output\": \"" + (2 * i + 1) + "\"}");
      dataset(dir.resolve("echo.jsonl"), 25, i -> "{\"prompt\": \"say " + i + "\", \"response\": \"" + i + "\"}");
      dataset(dir.resolve("talk.jsonl"), 40, i -> "{\"conversations\": [{\"from\": \"human\", \"value\": \"hi "
          + i + "\"}, {\"from\": \"gpt\", \"value\": \"hello number " + i + "\"}]}");
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void dataset(Path file, int n, java.util.function.IntFunction<String> line) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lines.add(line.apply(i));
    }
    Files.write(file, lines);
  }

  /** A run config over the fixtures, with {@code overrides} on top. */
  public static Config config(Path dir, String runName, String... overrides) {
    List<String> all = new ArrayList<>();
    all.add("run.dir=\"" + dir.resolve(runName) + "\"");
    all.addAll(overrides(dir));
    all.addAll(List.of(overrides));
    return ConfigLoader.load(null, all);
  }

  /** The fixtures' settings as key=value strings, without run.dir. */
  public static List<String> overrides(Path dir) {
    return List.of(
        "run.progress=false",
        "model.path=\"" + dir.resolve("model") + "\"",
        "data.datasets=[{name=add, path=\"" + dir.resolve("add.jsonl") + "\"},"
            + "{name=echo, path=\"" + dir.resolve("echo.jsonl") + "\"},"
            + "{name=talk, path=\"" + dir.resolve("talk.jsonl") + "\", held-out=0.1}]",
        "data.max-length=160",
        "train.steps=24",
        "train.batch-size=4",
        "train.micro-batch-size=4",
        "train.lr=1e-2",
        "mix.update-every=8",
        "mix.lag-steps=4",
        "mix.reward-batch-size=4",
        "mix.scorer-lr=0.05");
  }
}
