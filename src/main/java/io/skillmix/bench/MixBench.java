package io.skillmix.bench;

import io.skillmix.config.ConfigLoader;
import io.skillmix.run.RunHistory;
import io.skillmix.run.TrainingRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Plain training against MoS in each weight-application mode, same steps, same data: wall time of
 * the training loop and the share of the learner's time spent waiting for data or weights. Arms
 * alternate within each repetition so drift in the machine's speed hits all of them alike.
 */
final class MixBench {

  private MixBench() {}

  record Arm(String name, List<String> overrides) {}

  static String run(int steps, int repeats) throws IOException {
    int every = Math.max(2, steps / 4);
    List<Arm> arms = List.of(
        new Arm("plain (uni, no rewards)", List.of("mix.method=uni")),
        new Arm("MoS sync", List.of("mix.apply=sync", "mix.lag-steps=0")),
        new Arm("MoS lagged", List.of("mix.apply=lagged", "mix.lag-steps=" + every / 2)),
        new Arm("MoS free", List.of("mix.apply=free", "mix.lag-steps=" + every / 2)));
    Map<String, List<double[]>> results = new LinkedHashMap<>();
    Path root = Files.createTempDirectory("skillmix-bench-mix");
    for (int r = 0; r < repeats; r++) {
      for (Arm arm : arms) {
        List<String> overrides = new ArrayList<>(List.of("train.steps=" + steps, "mix.update-every=" + every,
            "run.progress=false", "run.dir=\"" + root.resolve(r + "-" + arms.indexOf(arm)) + "\""));
        overrides.addAll(arm.overrides());
        long start = System.nanoTime();
        TrainingRun.Outcome outcome = TrainingRun.run(ConfigLoader.load(null, overrides));
        double wall = (System.nanoTime() - start) / 1e9;
        RunHistory h = outcome.history();
        double loop = h.trainSeconds() + h.waitSeconds();
        results.computeIfAbsent(arm.name(), k -> new ArrayList<>())
            .add(new double[] {wall, loop, h.waitSeconds() / loop, h.tokens() / loop});
      }
    }
    double plainRate = ModelBench.median(column(results.get(arms.get(0).name()), 3));
    StringBuilder t = new StringBuilder(String.format(Locale.ROOT,
        "Built-in mix, tiny preset, %d steps, batch 16, reward evaluation every %d steps, lag %d;"
            + " learner and evaluator share the CPU threads. Median of %d run(s) per arm.%n%n",
        steps, every, every / 2, repeats));
    // Arms draw different datasets (their probabilities differ), so their batches differ in length:
    // compare time per token, not time per step.
    t.append("| arm | wall s (whole run) | training loop s | tokens/s | time per token vs plain | learner waiting |\n");
    t.append("|---|---:|---:|---:|---:|---:|\n");
    for (Map.Entry<String, List<double[]>> e : results.entrySet()) {
      double wall = ModelBench.median(column(e.getValue(), 0));
      double loop = ModelBench.median(column(e.getValue(), 1));
      double waiting = ModelBench.median(column(e.getValue(), 2));
      double rate = ModelBench.median(column(e.getValue(), 3));
      t.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %,.0f | %.3f | %.2f%% |%n", e.getKey(), wall, loop,
          rate, plainRate / rate, 100 * waiting));
    }
    return t.toString();
  }

  private static double[] column(List<double[]> rows, int c) {
    return rows.stream().mapToDouble(r -> r[c]).toArray();
  }
}
