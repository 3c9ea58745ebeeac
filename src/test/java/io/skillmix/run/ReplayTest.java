package io.skillmix.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.skillmix.UserError;
import io.skillmix.cli.CliRun;
import io.skillmix.metrics.MixtureSchedule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mixture carried over from another run (issue 30.2): {@code mix.fixed.weights-from} takes its
 * final or average probabilities, {@code mix.replay.schedule-from} follows its schedule by training
 * progress; a run on other datasets is refused by name before anything starts; a replay resumes
 * exactly.
 */
class ReplayTest {

  @TempDir static Path dir;
  static Path source;

  /** The source's schedule over its 10 steps, for datasets add, echo, talk (the fixtures'). */
  static final long[] SOURCE_STEPS = {0, 3, 5, 7};
  static final double[][] SOURCE_PROBS = {{0.8, 0.1, 0.1}, {0.1, 0.8, 0.1}, {0.3, 0.3, 0.4}, {0.1, 0.1, 0.8}};

  @BeforeAll
  static void fixtures() throws IOException {
    RunFixtures.write(dir);
    source = Files.createDirectories(dir.resolve("source"));
    List<String> weights = new ArrayList<>();
    for (int k = 0; k < SOURCE_STEPS.length; k++) {
      double[] p = SOURCE_PROBS[k];
      weights.add("{\"step\":" + SOURCE_STEPS[k] + ",\"version\":" + Math.max(0, SOURCE_STEPS[k] - 1)
          + ",\"probs\":{\"add\":" + p[0] + ",\"echo\":" + p[1] + ",\"talk\":" + p[2] + "}}");
    }
    Files.write(source.resolve("weights.jsonl"), weights);
    List<String> metrics = new ArrayList<>();
    for (int s = 0; s < 10; s++) {
      // 4 examples a step for the first 5 steps, 12 after: the average weighs the later sets 3 times
      int n = s < 5 ? 4 : 12;
      metrics.add("{\"event\":\"train\",\"step\":" + s + ",\"loss\":1.0,\"losses\":{\"add\":1.0},\"examples\":{\"add\":"
          + n + "},\"lr\":0.001,\"grad_norm\":1.0,\"tokens\":10,\"pad_tokens\":0,\"seconds\":0.1,\"wait_seconds\":0.0}");
    }
    Files.write(source.resolve("metrics.jsonl"), metrics);
  }

  private static double[] start(String... overrides) {
    RunSettings settings = RunSettings.from(RunFixtures.config(dir, "unused", overrides));
    return settings.mix().startProbabilities(new long[] {57, 24, 36});
  }

  @Test
  void fixedWeightsFromTakeTheSourcesFinalAverageOrStepProbabilitiesByDatasetName() {
    assertArrayEquals(SOURCE_PROBS[3], start("mix.method=fixed", "mix.fixed.weights-from=\"" + source + "\""), 1e-12);
    assertArrayEquals(SOURCE_PROBS[3], start("mix.method=fixed", "mix.fixed.weights-from=\"" + source + "@final\""), 1e-12);
    assertArrayEquals(SOURCE_PROBS[1], start("mix.method=fixed", "mix.fixed.weights-from=\"" + source + "@4\""), 1e-12);
    // Steps 0-2 at the first set (12 examples), 3-4 the second (8), 5-6 the third (24), 7-9 the last (36).
    double[] average = new double[3];
    double[] drawn = {12, 8, 24, 36};
    for (int k = 0; k < 4; k++) {
      for (int d = 0; d < 3; d++) {
        average[d] += drawn[k] * SOURCE_PROBS[k][d] / 80;
      }
    }
    assertArrayEquals(average, start("mix.method=fixed", "mix.fixed.weights-from=\"" + source + "@average\""), 1e-12);
    assertArrayEquals(average, MixtureSchedule.read(source).average(), 1e-12, "what mixture export --at average writes");

    // The same datasets in another order: matched by name.
    double[] reordered = start("mix.method=fixed", "mix.fixed.weights-from=\"" + source + "\"",
        "data.datasets=[{name=talk, path=\"" + dir.resolve("talk.jsonl") + "\"},{name=add, path=\""
            + dir.resolve("add.jsonl") + "\"},{name=echo, path=\"" + dir.resolve("echo.jsonl") + "\"}]");
    assertArrayEquals(new double[] {0.8, 0.1, 0.1}, reordered, 1e-12);
  }

  @Test
  void aRunOnOtherDatasetsIsRefusedByNameBeforeAnythingStarts() {
    String others = "data.datasets=[{name=add, path=\"" + dir.resolve("add.jsonl") + "\"},{name=chat, path=\""
        + dir.resolve("talk.jsonl") + "\"}]";
    for (String method : List.of("mix.method=replay;mix.replay.schedule-from", "mix.method=fixed;mix.fixed.weights-from")) {
      String[] m = method.split(";");
      UserError e = assertThrows(UserError.class, () -> RunSettings.from(RunFixtures.config(dir, "refused", m[0],
          m[1] + "=\"" + source + "\"", others)));
      assertEquals(m[1] + " = " + source + ": that run trained on add, echo, talk, this one on add, chat; not in it: chat;"
          + " not in this run: echo, talk. A mixture carries over to the same datasets only (by name): rename them in"
          + " data.datasets, or use data.only to match", e.getMessage());
    }
    Path run = dir.resolve("refused-cli");
    CliRun.Result r = CliRun.run(List.of("train", "run.dir=\"" + run + "\"", "mix.method=replay",
        "mix.replay.schedule-from=\"" + source + "\"", others, "model.path=\"" + dir.resolve("model") + "\"")
        .toArray(String[]::new));
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("skillmix: mix.replay.schedule-from = " + source + ": that run trained on"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertFalse(Files.exists(run), "nothing started");

    UserError empty = assertThrows(UserError.class, () -> RunSettings.from(RunFixtures.config(dir, "e",
        "mix.method=replay")));
    assertTrue(empty.getMessage().startsWith("mix.replay.schedule-from is empty; give the folder"), empty.getMessage());
    UserError both = assertThrows(UserError.class, () -> RunSettings.from(RunFixtures.config(dir, "b",
        "mix.method=fixed", "mix.fixed.weights-from=\"" + source + "\"", "mix.fixed.weights={add=1,echo=1,talk=1}")));
    assertEquals("mix.fixed.weights and mix.fixed.weights-from both give the probabilities; keep one of them",
        both.getMessage());
  }

  /**
   * The schedule learned over 10 steps drives a 100-step run (10 times as long): each change at the
   * same fraction of training, steps 30, 50 and 70; and the run's draws (400: 100 steps of 4) follow
   * each set of probabilities within sampling error. Pearson's chi-square over the four phases, each
   * with its own known probabilities over three datasets (4 × 2 = 8 degrees of freedom), must stay
   * under its 99.9% quantile, 26.12: with the fixed seed the test is deterministic, and a sampler that
   * draws correctly fails it for one seed in a thousand. The same counts against the schedule left at
   * the source's own steps (the last set from step 7 on) are far outside that bound, so the test can tell.
   */
  @Test
  void aReplayedRunAppliesEachChangeAtTheSameFractionAndDrawsWithinSamplingError() throws IOException {
    TrainingRun.Outcome run = TrainingRun.run(RunFixtures.config(dir, "replay-100", "mix.method=replay",
        "mix.replay.schedule-from=\"" + source + "\"", "train.steps=100", "train.checkpoint-every=1000"));
    List<JsonObject> weights = lines(run.runDir().resolve("weights.jsonl"), null);
    assertEquals(List.of(0L, 30L, 50L, 70L), weights.stream().map(o -> o.get("step").getAsLong()).toList());
    for (int k = 0; k < weights.size(); k++) {
      JsonObject p = weights.get(k).getAsJsonObject("probs");
      assertArrayEquals(SOURCE_PROBS[k], new double[] {p.get("add").getAsDouble(), p.get("echo").getAsDouble(),
          p.get("talk").getAsDouble()}, 1e-15);
      assertEquals(weights.get(k).get("step").getAsLong(), weights.get(k).get("version").getAsLong(),
          "a replayed change is computed for its own step");
    }

    long[][] counts = new long[4][3];
    for (JsonObject t : lines(run.runDir().resolve("metrics.jsonl"), "train")) {
      long step = t.get("step").getAsLong();
      int phase = step < 30 ? 0 : step < 50 ? 1 : step < 70 ? 2 : 3;
      JsonObject examples = t.getAsJsonObject("examples");
      String[] names = {"add", "echo", "talk"};
      for (int d = 0; d < 3; d++) {
        counts[phase][d] += examples.has(names[d]) ? examples.get(names[d]).getAsLong() : 0;
      }
    }
    double bound = new ChiSquaredDistribution(8).inverseCumulativeProbability(0.999);
    double fit = chiSquare(counts, SOURCE_PROBS);
    assertTrue(fit < bound, "chi-square " + fit + " over 8 degrees of freedom, bound " + bound);

    // Against the schedule at the source's own steps (changes after 3, 5, 7 steps of 100): the
    // draws of steps 7-99 would all be the last set's.
    long[][] unstretched = new long[1][3];
    for (int k = 0; k < 4; k++) {
      for (int d = 0; d < 3; d++) {
        unstretched[0][d] += counts[k][d];
      }
    }
    double misfit = chiSquare(unstretched, new double[][] {SOURCE_PROBS[3]});
    assertTrue(misfit > 10 * bound, "the draws tell the stretched schedule from the source's steps: " + misfit);

    // The replay's own folder exports like any run: its schedule at the source's fractions.
    CliRun.Result csv = CliRun.run("mixture", "export", run.runDir().toString(), "--to", "schedule");
    assertEquals(0, csv.code(), csv.err());
    assertEquals(List.of("step,fraction,version,add,echo,talk", "0,0.000000,0,0.8,0.1,0.1", "30,0.300000,30,0.1,0.8,0.1",
        "50,0.500000,50,0.3,0.3,0.4", "70,0.700000,70,0.1,0.1,0.8"), csv.out().lines().toList());
  }

  /** A change mapped onto the checkpoint's step (12) and one on each side of it. */
  @Test
  void aReplayResumedFromItsCheckpointEqualsTheStraightRun() throws IOException {
    ResumeTest.assertResumeIsExact(dir, "replay", "mix.method=replay", "mix.replay.schedule-from=\"" + source + "\"");
    List<Long> steps = lines(dir.resolve("crashed-replay").resolve("weights.jsonl"), null).stream()
        .map(o -> o.get("step").getAsLong()).toList();
    assertEquals(List.of(0L, 8L, 12L, 17L), steps, "ceil(3 × 24 / 10), 5 × 24 / 10, ceil(7 × 24 / 10)");
    // Free (probabilities on arrival) changes nothing here: a replay's changes wait for no answer.
    TrainingRun.Outcome free = TrainingRun.run(RunFixtures.config(dir, "replay-free", "mix.method=replay",
        "mix.replay.schedule-from=\"" + source + "\"", "mix.apply=free"));
    assertEquals(Files.readAllLines(dir.resolve("straight-replay").resolve("weights.jsonl")),
        Files.readAllLines(free.runDir().resolve("weights.jsonl")));
  }

  /** Pearson's statistic of draw counts per phase against each phase's probabilities. */
  private static double chiSquare(long[][] counts, double[][] probabilities) {
    double x2 = 0;
    for (int k = 0; k < counts.length; k++) {
      long n = 0;
      for (long c : counts[k]) {
        n += c;
      }
      for (int d = 0; d < counts[k].length; d++) {
        double expected = n * probabilities[k][d];
        x2 += (counts[k][d] - expected) * (counts[k][d] - expected) / expected;
      }
    }
    return x2;
  }

  private static List<JsonObject> lines(Path file, String event) throws IOException {
    List<JsonObject> out = new ArrayList<>();
    for (String l : Files.readAllLines(file)) {
      JsonObject o = JsonParser.parseString(l).getAsJsonObject();
      if (event == null || event.equals(o.has("event") ? o.get("event").getAsString() : null)) {
        out.add(o);
      }
    }
    return out;
  }
}
