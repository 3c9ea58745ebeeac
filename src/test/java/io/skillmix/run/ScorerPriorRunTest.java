package io.skillmix.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probabilities a MoS run starts from (weights.jsonl's first line). */
class ScorerPriorRunTest {

  @TempDir static Path dir;

  @BeforeAll
  static void fixtures() {
    RunFixtures.write(dir);
  }

  private static JsonObject firstWeights(TrainingRun.Outcome run) throws IOException {
    String first = Files.readAllLines(run.runDir().resolve("weights.jsonl")).get(0);
    JsonObject line = JsonParser.parseString(first).getAsJsonObject();
    assertEquals(0, line.get("step").getAsInt(), first);
    return line.getAsJsonObject("probs");
  }

  @Test
  void aDefaultMosRunStartsFromEqualProbabilitiesWhateverTheSizes() throws IOException {
    // The fixtures hold 60, 25 and 40 examples: τ = 10 (the old warm start) would not be uniform.
    TrainingRun.Outcome run = TrainingRun.run(RunFixtures.config(dir, "mos-default", "train.steps=4"));
    JsonObject probs = firstWeights(run);
    String report = Files.readString(run.runDir().resolve("report.md"));
    assertTrue(report.contains("(reward cossim + EMA; from the prior at τ = inf, updated every 8 steps)"), report);
    assertEquals(3, probs.size(), probs.toString());
    for (String name : probs.keySet()) {
      assertEquals(1.0 / 3, probs.get(name).getAsDouble(), 1e-12, probs.toString());
    }
  }

  @Test
  void atTemperatureOneItStartsProportionalToTheTrainingSizes() throws IOException {
    TrainingRun.Outcome run = TrainingRun.run(RunFixtures.config(dir, "mos-tau1", "train.steps=4",
        "mix.scorer-prior-temperature=1"));
    JsonObject probs = firstWeights(run);
    assertTrue(Files.readString(run.runDir().resolve("report.md")).contains("from the prior at τ = 1, "));
    // add and echo have no held-out split; talk keeps 10% (4 of 40) for evaluation.
    double total = 60 + 25 + 36;
    assertEquals(60 / total, probs.get("add").getAsDouble(), 1e-9, probs.toString());
    assertEquals(25 / total, probs.get("echo").getAsDouble(), 1e-9, probs.toString());
    assertEquals(36 / total, probs.get("talk").getAsDouble(), 1e-9, probs.toString());
  }
}
