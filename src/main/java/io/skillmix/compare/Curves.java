package io.skillmix.compare;

import io.skillmix.metrics.Plots;
import io.skillmix.metrics.SystemFigures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** The comparison's plots, made from the run folders' weights.jsonl and metrics.jsonl. */
final class Curves {

  /** Steps between the points of a loss curve. */
  private static final int EVERY = 10;

  private Curves() {}

  /**
   * Probabilities over steps, one line per dataset, the mean over the seeds' runs (in sync and
   * lagged mode every seed changes them at the same steps, so the mean is taken step by step).
   */
  static void weights(Path file, String arm, List<Path> runs) throws IOException {
    List<List<RunFiles.Weights>> perRun = runs.stream().map(RunFiles::weights).filter(w -> !w.isEmpty()).toList();
    if (perRun.isEmpty()) {
      return;
    }
    List<String> datasets = new ArrayList<>(perRun.get(0).get(0).probabilities().keySet());
    TreeSet<Long> steps = new TreeSet<>();
    perRun.forEach(w -> w.forEach(x -> steps.add(x.step())));
    List<long[]> at = new ArrayList<>();
    List<double[]> mean = new ArrayList<>();
    for (long step : steps) {
      double[] p = new double[datasets.size()];
      for (List<RunFiles.Weights> w : perRun) {
        RunFiles.Weights current = w.get(0);
        for (RunFiles.Weights x : w) {
          if (x.step() <= step) {
            current = x;
          }
        }
        for (int d = 0; d < datasets.size(); d++) {
          p[d] += current.probabilities().getOrDefault(datasets.get(d), 0.0) / perRun.size();
        }
      }
      at.add(new long[] {step, 0});
      mean.add(p);
    }
    long end = runs.stream().mapToLong(r -> RunFiles.losses(r).stream().mapToLong(RunFiles.Loss::step)
        .max().orElse(0) + 1).max().orElse(0);
    Plots.weights(file, datasets, at, mean, end);
  }

  /**
   * A learned arm's rewards over the snapshots: per dataset one line of the raw rewards and one of
   * the smoothed ones the scorer used (its EMA; the same values without {@code mix.ema}), each the
   * mean over the seeds' runs that have that snapshot. No file for an arm without rewards.
   */
  static void rewards(Path file, String arm, List<Path> runs) throws IOException {
    Map<String, TreeMap<Long, double[]>> sums = new LinkedHashMap<>();
    for (Path run : runs) {
      for (RunFiles.Rewards r : RunFiles.rewards(run)) {
        // Each dataset's two lines next to each other in the legend.
        r.raw().forEach((d, v) -> {
          add(sums, d + " raw", r.version(), v);
          add(sums, d + " smoothed", r.version(), r.smoothed().getOrDefault(d, Double.NaN));
        });
      }
    }
    if (sums.isEmpty()) {
      return;
    }
    List<Plots.Series> series = new ArrayList<>();
    sums.forEach((name, points) -> series.add(new Plots.Series(name,
        points.keySet().stream().mapToDouble(Long::doubleValue).toArray(),
        points.values().stream().mapToDouble(p -> p[0] / p[1]).toArray())));
    Plots.lines(file, "Rewards of " + arm + " (mean over seeds)", "snapshot step", "reward", series, false);
  }

  private static void add(Map<String, TreeMap<Long, double[]>> sums, String name, long version, double value) {
    if (Double.isFinite(value)) {
      double[] p = sums.computeIfAbsent(name, k -> new TreeMap<>()).computeIfAbsent(version, k -> new double[2]);
      p[0] += value;
      p[1]++;
    }
  }

  /**
   * Per arm, the macro-average training loss over steps: each dataset's loss on its own batches,
   * smoothed as in a run's loss plot, averaged over the datasets with equal weight (so an arm that
   * samples an easy dataset more is not flattered), then over seeds. Most examples are seen once
   * in these runs, so it tracks how fast each arm learns every skill.
   */
  static void convergence(Path file, Map<String, List<Path>> runsByArm) throws IOException {
    List<Plots.Series> series = new ArrayList<>();
    for (Map.Entry<String, List<Path>> e : runsByArm.entrySet()) {
      List<double[]> curves = e.getValue().stream().map(r -> macroLoss(RunFiles.losses(r))).toList();
      int length = curves.stream().mapToInt(c -> c.length).min().orElse(0);
      if (length == 0) {
        continue;
      }
      double[] x = new double[length];
      double[] y = new double[length];
      for (int i = 0; i < length; i++) {
        x[i] = (i + 1) * EVERY;
        for (double[] c : curves) {
          y[i] += c[i] / curves.size();
        }
      }
      series.add(new Plots.Series(e.getKey(), x, y));
    }
    Plots.lines(file, "Macro-average training loss (mean over datasets, then seeds)", "step", "loss",
        series, false);
  }

  /**
   * Per arm, where the time went (mean over seeds): the learner computing, the learner waiting,
   * and the evaluator at work, which overlaps the learner's time unless the run is sync.
   */
  static void time(Path file, Map<String, List<SystemFigures>> figuresByArm) throws IOException {
    List<String> arms = figuresByArm.entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
    if (arms.isEmpty()) {
      return;
    }
    Map<String, double[]> series = new LinkedHashMap<>();
    series.put("training", mean(arms, figuresByArm, SystemFigures::trainSeconds));
    series.put("waiting", mean(arms, figuresByArm, SystemFigures::waitSeconds));
    series.put("evaluator work", mean(arms, figuresByArm, SystemFigures::evaluatorSeconds));
    Plots.bars(file, "Time per arm (mean over seeds; the evaluator works beside the learner)", "seconds",
        arms, series);
  }

  private static double[] mean(List<String> arms, Map<String, List<SystemFigures>> figuresByArm,
      java.util.function.ToDoubleFunction<SystemFigures> figure) {
    return arms.stream().mapToDouble(a -> figuresByArm.get(a).stream().mapToDouble(figure).average().orElse(Double.NaN))
        .toArray();
  }

  /** The point after every {@value #EVERY} steps. */
  static double[] macroLoss(List<RunFiles.Loss> losses) {
    Map<String, Double> smooth = new LinkedHashMap<>();
    List<Double> points = new ArrayList<>();
    for (int i = 0; i < losses.size(); i++) {
      RunFiles.Loss l = losses.get(i);
      if (Double.isFinite(l.loss())) {
        smooth.merge(l.dataset(), l.loss(), (old, now) -> 0.9 * old + 0.1 * now);
      }
      if ((l.step() + 1) % EVERY == 0 && !smooth.isEmpty()) {
        points.add(smooth.values().stream().mapToDouble(Double::doubleValue).average().orElseThrow());
      }
    }
    return points.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
