package io.skillmix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.skillmix.model.LanguageModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * stories260K, a checkpoint from outside the project, through a user's whole path: train a few
 * steps on {@code tN} data (its folder has no chat template of its own, so a built-in one is
 * named), then generate from the run's final folder.
 */
class Stories260KRunTest {

  private static final Path STORIES = io.skillmix.testkit.TestModels.STORIES_260K;

  @TempDir Path dir;

  @Test
  void trainsAndTheTrainedFolderGenerates() throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 3; i < 63; i++) {
      lines.add("{\"prompt\": \"t" + i + " t" + (i + 1) + "\", \"response\": \"t" + (i + 2) + " t" + (i + 3) + "\"}");
    }
    Path data = Files.write(dir.resolve("count.jsonl"), lines);
    Path run = dir.resolve("run");
    CliRun.Result train = CliRun.run("train", "run.dir=\"" + run + "\"", "run.progress=false",
        "model.path=\"" + STORIES + "\"", "model.chat-template=vicuna", "mix.method=uni",
        "data.datasets=[{name=count, path=\"" + data + "\"}]",
        "train.steps=6", "train.batch-size=4", "train.micro-batch-size=4", "train.checkpoint-every=6");
    assertEquals(0, train.code(), train.err());
    Path trained = run.resolve("final");

    try (LanguageModel before = LanguageModel.load(STORIES, Device.cpu());
        LanguageModel after = LanguageModel.load(trained, Device.cpu())) {
      Map<String, float[]> a = before.exportWeights();
      Map<String, float[]> b = after.exportWeights();
      assertEquals(a.keySet(), b.keySet());
      assertFalse(Arrays.equals(a.get("model.layers.0.mlp.up_proj.weight"),
          b.get("model.layers.0.mlp.up_proj.weight")), "training changed the weights");
    }
    CliRun.Result gen = CliRun.run("generate", "--model", trained.toString(), "--chat-template", "vicuna",
        "--prompt", "t10 t11", "--max-new-tokens", "6", "--logprobs", "2", "--json");
    assertEquals(0, gen.code(), gen.err());
    JsonObject out = JsonParser.parseString(gen.out().strip()).getAsJsonObject();
    int n = out.getAsJsonArray("ids").size();
    assertTrue(n >= 1 && n <= 6, gen.out());
    assertEquals(n, out.getAsJsonArray("logprobs").size());
    assertTrue(out.get("text").getAsString().matches("(t\\d+( t\\d+)*)?"), gen.out());
  }
}
