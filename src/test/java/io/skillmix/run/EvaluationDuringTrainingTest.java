package io.skillmix.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.config.ConfigLoader;
import io.skillmix.eval.EvalReport;
import io.skillmix.eval.Evaluation;
import io.skillmix.metrics.MetricsLog;
import io.skillmix.metrics.MetricsSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eval.every}: the learner's model scored on held-out examples between steps, without any
 * effect on training.
 */
class EvaluationDuringTrainingTest {

  @TempDir static Path dir;

  @BeforeAll
  static void fixtures() {
    RunFixtures.write(dir);
  }

  /** The fixtures with held-out examples of add and talk (echo has none). */
  private static String[] settings(String... more) {
    List<String> all = new ArrayList<>(List.of("data.datasets=[{name=add, path=\"" + dir.resolve("add.jsonl")
        + "\", held-out=0.2}, {name=echo, path=\"" + dir.resolve("echo.jsonl") + "\"},"
        + "{name=talk, path=\"" + dir.resolve("talk.jsonl") + "\", held-out=0.1}]", "eval.every-examples=6"));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  static List<MetricsSink.Evaluated> evaluations(Path run) {
    return MetricsLog.read(run.resolve("metrics.jsonl"), null).stream()
        .filter(MetricsSink.Evaluated.class::isInstance).map(MetricsSink.Evaluated.class::cast).toList();
  }

  @Test
  void evalLinesComeBeforeTheFirstStepEveryNStepsAndAfterTheLastWithALossPerHeldOutDataset() throws IOException {
    // 24 steps, every 10: at 0, 10, 20 and the end.
    TrainingRun.Outcome run = TrainingRun.run(RunFixtures.config(dir, "every-10", settings("eval.every=10")));
    List<MetricsSink.Evaluated> lines = evaluations(run.runDir());
    assertEquals(List.of(0L, 10L, 20L, 24L), lines.stream().map(MetricsSink.Evaluated::step).toList());
    for (MetricsSink.Evaluated e : lines) {
      assertEquals(Set.of("add", "echo", "talk"), e.heldOutLoss().keySet(), "echo's dev set is carved (data.dev-fraction)");
      assertTrue(e.heldOutLoss().values().stream().allMatch(v -> v > 0 && Double.isFinite(v)), e.toString());
      assertTrue(e.scores().isEmpty(), "skill scores are the built-in mix's");
    }
    assertTrue(lines.get(3).heldOutLoss().get("add") < lines.get(0).heldOutLoss().get("add"),
        "training on add lowers its held-out loss: " + lines);
    assertEquals(lines, run.history().evaluations());
    String report = Files.readString(run.runDir().resolve("report.md"));
    assertTrue(report.contains("## Evaluation during training") && report.contains("| held-out loss add |"), report);
    assertTrue(Files.exists(run.runDir().resolve("plots/eval-loss.png")));

    // The last line is what `skillmix eval` measures on final/ with the same limit.
    EvalReport end = Evaluation.run(run.runDir().resolve("final"), RunData.evaluationInputs(RunSettings.from(
        RunFixtures.config(dir, "every-10", settings()))), new Evaluation.Options(6, 16, 128, null, null, null, false));
    assertEquals(end.value("heldout/add", "loss"), lines.get(3).heldOutLoss().get("add"), 1e-6);
    assertEquals(end.value("heldout/talk", "loss"), lines.get(3).heldOutLoss().get("talk"), 1e-6);
  }

  @Test
  void aRunTrainsTheSameWeightsWithOrWithoutEvaluations() throws IOException {
    // A learned, lagged mixture: snapshots, rewards and probabilities go on while the learner evaluates.
    TrainingRun.Outcome without = TrainingRun.run(RunFixtures.config(dir, "without", settings("eval.every=0")));
    TrainingRun.Outcome with = TrainingRun.run(RunFixtures.config(dir, "with", settings("eval.every=5")));
    assertTrue(evaluations(without.runDir()).isEmpty());
    assertEquals(6, evaluations(with.runDir()).size(), "0, 5, 10, 15, 20 and 24");
    assertEquals(ResumeTest.trainLines(without.runDir()), ResumeTest.trainLines(with.runDir()));
    assertEquals(Files.readAllLines(without.runDir().resolve("weights.jsonl")),
        Files.readAllLines(with.runDir().resolve("weights.jsonl")));
    assertArrayEquals(Files.readAllBytes(without.runDir().resolve("final/model.safetensors")),
        Files.readAllBytes(with.runDir().resolve("final/model.safetensors")));
  }

  @Test
  void aRunOnSomeDatasetsIsEvaluatedOnTheWholeMixAsCompareScoresEveryArm() {
    TrainingRun.Outcome run = TrainingRun.run(RunFixtures.config(dir, "only-echo",
        settings("eval.every=12", "data.only=[echo]", "mix.method=uni")));
    List<MetricsSink.Evaluated> lines = evaluations(run.runDir());
    assertEquals(List.of(0L, 12L, 24L), lines.stream().map(MetricsSink.Evaluated::step).toList());
    assertEquals(Set.of("add", "echo", "talk"), lines.get(2).heldOutLoss().keySet());
  }

  @Test
  void aNegativeIntervalIsRefusedByName() {
    io.skillmix.UserError e = org.junit.jupiter.api.Assertions.assertThrows(io.skillmix.UserError.class,
        () -> RunSettings.from(ConfigLoader.load(null, List.of("eval.every=-1"))));
    assertTrue(e.getMessage().contains("eval.every"), e.getMessage());
  }
}
