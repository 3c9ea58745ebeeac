package io.skillmix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.skillmix.model.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code model init --tokenizer DIR} with size options (issue 34): a small model on a real
 * tokenizer, ready to train, without a hand-written config.json.
 */
class ModelInitTokenizerTest {

  /** The stories260K tokenizer (512 tokens, bos t1 = 1, eos t2 = 2), wherever this checkout keeps it. */
  private static Path storiesTokenizer(Path into) throws Exception {
    for (Path candidate : List.of(Path.of("src/test/resources/models/stories260K"),
        Path.of("src/test/resources/stories260K"), Path.of("..", "shared", "models", "stories260K"),
        Path.of("/work/shared/models/stories260K"))) {
      if (Files.isRegularFile(candidate.resolve("tokenizer.json"))) {
        Files.createDirectories(into);
        for (String name : List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
          if (Files.isRegularFile(candidate.resolve(name))) {
            Files.copy(candidate.resolve(name), into.resolve(name));
          }
        }
        return into;
      }
    }
    assumeTrue(false, "the stories260K tokenizer is not in this checkout");
    return null;
  }

  @Test
  void aPresetOnARealTokenizerIsReadyToTrain(@TempDir Path dir) throws Exception {
    Path tokenizer = storiesTokenizer(dir.resolve("stories-tokenizer"));
    Path model = dir.resolve("small-stories");
    CliRun.Result init = CliRun.run("model", "init", "--preset", "tiny", "--tokenizer", tokenizer.toString(),
        "--hidden-size", "64", "--layers", "2", "--heads", "4", "--kv-heads", "2", "--intermediate-size", "96",
        "--out", model.toString());
    assertEquals(0, init.code(), init.err());
    assertTrue(init.out().contains("(512 tokens, bos 1, eos 2)"), init.out());
    assertTrue(init.out().contains("model.chat-template=chatml"), init.out());
    ModelConfig c = ModelConfig.read(model.resolve("config.json"));
    assertEquals(List.of(512, 64, 2, 4, 2, 16, 96, 1, 2), List.of(c.vocabSize(), c.hiddenSize(), c.numLayers(),
        c.numHeads(), c.numKvHeads(), c.headDim(), c.intermediateSize(), c.bosTokenId(), c.eosTokenId()));
    assertTrue(Files.isRegularFile(model.resolve("tokenizer.json")));

    CliRun.Result train = CliRun.run("train", "run.dir=\"" + dir.resolve("run") + "\"", "model.path=\"" + model + "\"",
        "model.chat-template=chatml", "run.progress=false", "train.steps=2", "train.batch-size=2", "eval.every=0",
        "data.builtin.total=2000", "mix.method=uni", "data.max-length=64");
    assertEquals(0, train.code(), train.err());
    assertTrue(train.out().contains("train.lr = auto: 0.003"), train.out()); // random weights: from scratch
    assertTrue(Files.isRegularFile(dir.resolve("run").resolve("final").resolve("model.safetensors")));
  }

  @Test
  void shapesThatDoNotDivideAreRefusedByOption(@TempDir Path dir) {
    CliRun.Result r = CliRun.run("model", "init", "--hidden-size", "100", "--heads", "3", "--out",
        dir.resolve("m").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--hidden-size 100 is not a multiple of --heads 3"), r.err());
  }
}
