package io.skillmix.bench;

import io.skillmix.config.ConfigLoader;
import io.skillmix.metrics.MetricsSink;
import io.skillmix.metrics.RunHistory;
import io.skillmix.run.TrainingRun;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
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

  static String run(BenchOptions options) throws IOException {
    try (ScratchDir scratch = new ScratchDir("skillmix-bench-mix")) {
      return run(options, scratch.path());
    }
  }

  private static String run(BenchOptions options, Path root) {
    int steps = options.steps(160);
    int repeats = options.rounds(3);
    int every = Math.min(steps, options.every(Math.max(2, steps / 4)));
    List<Arm> arms = new ArrayList<>(List.of(
        new Arm("plain (uni, no rewards)", List.of("mix.method=uni")),
        new Arm("MoS sync", List.of("mix.apply=sync", "mix.lag-steps=0")),
        new Arm("MoS lagged", List.of("mix.apply=lagged", "mix.lag-steps=" + every / 2)),
        new Arm("MoS free", List.of("mix.apply=free", "mix.lag-steps=" + every / 2))));
    if (Bench.threads() > 1) {
      // By default a lagged evaluator on the CPU gets half the learner's threads; this arm gives it
      // all of them, to show what the contention for the cores costs.
      arms.add(new Arm("MoS lagged, evaluator " + Bench.threads() + " threads",
          List.of("mix.apply=lagged", "mix.lag-steps=" + every / 2, "devices.evaluator-threads=" + Bench.threads())));
    }
    Map<String, List<double[]>> results = new LinkedHashMap<>();
    Map<String, List<Double>> wallRatios = new LinkedHashMap<>();
    for (int r = 0; r < repeats; r++) {
      // Odd rounds run the arms in reverse, so no arm always runs first (or last) on a warm machine.
      List<Arm> order = new ArrayList<>(arms);
      if (r % 2 == 1) {
        Collections.reverse(order);
      }
      Map<String, Double> walls = new LinkedHashMap<>();
      for (Arm arm : order) {
        List<String> overrides = new ArrayList<>(List.of("train.steps=" + steps, "mix.update-every=" + every,
            "run.progress=false", "run.dir=\"" + root.resolve(r + "-" + arms.indexOf(arm)) + "\""));
        overrides.addAll(arm.overrides());
        long start = System.nanoTime();
        long cpuStart = processCpuNanos();
        TrainingRun.Outcome outcome = TrainingRun.run(ConfigLoader.load(null, overrides));
        double wall = (System.nanoTime() - start) / 1e9;
        double cpu = (processCpuNanos() - cpuStart) / 1e9;
        RunHistory h = outcome.history();
        double loop = h.trainSeconds() + h.waitSeconds();
        double evaluator = h.rewards().stream().mapToDouble(MetricsSink.RewardsComputed::evaluatorSeconds).sum();
        results.computeIfAbsent(arm.name(), k -> new ArrayList<>())
            .add(new double[] {wall, loop, h.waitSeconds() / loop, h.tokens() / loop, evaluator, cpu});
        walls.put(arm.name(), wall);
        System.out.printf(Locale.ROOT, "  round %d, %s: %.1f s, waiting %.2f%%%n", r + 1, arm.name(), wall,
            100 * h.waitSeconds() / loop);
      }
      double plainWall = walls.get(arms.get(0).name());
      for (Arm arm : arms) {
        wallRatios.computeIfAbsent(arm.name(), k -> new ArrayList<>()).add(walls.get(arm.name()) / plainWall);
      }
    }
    double plainRate = ModelBench.median(column(results.get(arms.get(0).name()), 3));
    StringBuilder t = new StringBuilder(String.format(Locale.ROOT,
        "Built-in mix, tiny preset, %d steps, batch 16, reward evaluation every %d steps, lag %d;"
            + " learner and evaluator share the CPU threads. Median of %d run(s) per arm; arms alternate"
            + " within each round and ratios are taken per round.%n%n",
        steps, every, every / 2, repeats));
    // Arms draw different datasets (their probabilities differ), so their batches differ in length:
    // compare time per token, not time per step.
    // Evaluator s: time the reward evaluator spent computing rewards (summed over updates); in sync
    // mode the learner sits idle for it, in lagged and free modes it runs beside the learner on the
    // same cores. CPU s: the process's CPU time over the run; CPU beyond plain's is work added by the
    // rewards (or threads spinning while they contend for cores).
    t.append("| arm | wall s (whole run) | wall vs plain | training loop s | tokens/s | time per token vs plain"
        + " | learner waiting | evaluator s | CPU s |\n");
    t.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Map.Entry<String, List<double[]>> e : results.entrySet()) {
      double wall = ModelBench.median(column(e.getValue(), 0));
      double loop = ModelBench.median(column(e.getValue(), 1));
      double waiting = ModelBench.median(column(e.getValue(), 2));
      double rate = ModelBench.median(column(e.getValue(), 3));
      double wallRatio = ModelBench.median(wallRatios.get(e.getKey()).stream().mapToDouble(Double::doubleValue)
          .toArray());
      double evaluator = ModelBench.median(column(e.getValue(), 4));
      double cpu = ModelBench.median(column(e.getValue(), 5));
      t.append(String.format(Locale.ROOT, "| %s | %.1f | %.3f | %.1f | %,.0f | %.3f | %.2f%% | %.1f | %.1f |%n",
          e.getKey(), wall, wallRatio, loop, rate, plainRate / rate, 100 * waiting, evaluator, cpu));
    }
    return t.toString();
  }

  /** CPU time of the whole process (every thread, native torch threads included). */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static double[] column(List<double[]> rows, int c) {
    return rows.stream().mapToDouble(r -> r[c]).toArray();
  }
}
