package io.skillmix.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
    // The fixtures differ in size (60, 25 and 40 examples): τ = 10, the old warm start, would not be uniform.
    TrainingRun.Outcome run = TrainingRun.run(RunFixtures.config(dir, "mos-default", "train.steps=4"));
    JsonObject probs = firstWeights(run);
    String report = Files.readString(run.runDir().resolve("report.md"));
    assertTrue(report.contains("(reward cossim + EMA α = 0.9; scorer logits warm-started (official) to the prior at"
        + " τ = inf, 200 expected steps at lr 0.05 per update, updated every 8 steps)"), report);
    assertEquals(3, probs.size(), probs.toString());
    for (String name : probs.keySet()) {
      assertEquals(1.0 / 3, probs.get(name).getAsDouble(), 1e-12, probs.toString());
    }
  }

  @Test
  void atTemperatureOneItStartsProportionalToTheTrainingSizes() throws IOException {
    TrainingRun.Outcome run = TrainingRun.run(RunFixtures.config(dir, "mos-tau1", "train.steps=4",
        "mix.scorer.prior-temperature=1", "mix.scorer.warm-start=exact"));
    JsonObject probs = firstWeights(run);
    String report = Files.readString(run.runDir().resolve("report.md"));
    assertTrue(report.contains("warm-started (exact) to the prior at τ = 1, "), report);
    Map<String, Integer> sizes = trainExamples(report);
    double total = sizes.values().stream().mapToInt(Integer::intValue).sum();
    assertEquals(Set.of("add", "echo", "talk"), sizes.keySet(), report);
    assertTrue(sizes.get("add") > sizes.get("talk") && sizes.get("talk") > sizes.get("echo"), report);
    for (String name : sizes.keySet()) {
      assertEquals(sizes.get(name) / total, probs.get(name).getAsDouble(), 1e-9, probs + " vs " + sizes);
    }
  }

  @Test
  void aFixedMixtureRunsOnItsWeightsNormalisedAndABadWeightIsRefusedBeforeItStarts() throws IOException {
    TrainingRun.Outcome run = TrainingRun.run(RunFixtures.config(dir, "fixed", "train.steps=4", "mix.method=fixed",
        "mix.fixed.weights={add=2, echo=1, talk=1}"));
    JsonObject probs = firstWeights(run);
    assertEquals(0.5, probs.get("add").getAsDouble(), 1e-12, probs.toString());
    assertEquals(0.25, probs.get("echo").getAsDouble(), 1e-12, probs.toString());
    assertEquals(0.25, probs.get("talk").getAsDouble(), 1e-12, probs.toString());
    assertEquals(1, Files.readAllLines(run.runDir().resolve("weights.jsonl")).size(), "a fixed mixture never changes");
    io.skillmix.UserError bad = org.junit.jupiter.api.Assertions.assertThrows(io.skillmix.UserError.class,
        () -> RunSettings.from(io.skillmix.config.ConfigLoader.load(null,
            java.util.List.of("mix.method=fixed", "mix.weights={add=lots}"))));
    assertTrue(bad.getMessage().startsWith("mix.fixed.weights.add = \"lots\" is not a number"), bad.getMessage());
  }

  /** The report's "train examples" column (what the run drew from, after any held-out split). */
  private static Map<String, Integer> trainExamples(String report) {
    Map<String, Integer> sizes = new TreeMap<>();
    for (String line : report.lines().toList()) {
      String[] cells = line.split("\\|");
      if (cells.length > 2 && Set.of("add", "echo", "talk").contains(cells[1].trim())) {
        sizes.putIfAbsent(cells[1].trim(), Integer.parseInt(cells[2].trim().replace(",", "")));
      }
    }
    return sizes;
  }
}
