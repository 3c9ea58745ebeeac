package io.skillmix.compare;

import io.skillmix.eval.Evaluation;
import io.skillmix.metrics.MetricsSink;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The paper's convergence claim ("MoS converges faster", its Fig. 3) as a column: for each arm, the
 * first evaluation during training ({@code eval.every}) at which its score, the mean over its
 * seeds, reaches the final score of the best static arm (prop, temp, uni, only). The score is the
 * mean held-out loss over the datasets (lower is better; the built-in noise set left out), from the
 * runs' {@code eval} lines, so every arm is measured on the same examples at the same steps. Not
 * the built-in overall skill score: on a few examples per task (eval.every-examples) its
 * multiple-choice parts are noise or missing (nlp needs enough held-out answers to make options),
 * and at the benchmark's scale even its final value differs between arms by less than the seeds do
 * (docs/RESULTS.md), while the loss is measured on every token of every example.
 */
final class Convergence {

  static final String LABEL = "steps to best static";

  private Convergence() {}

  /**
   * Whether an arm keeps its mixture fixed: its {@code mix.method} ({@code base} when it sets none)
   * is not a learned one.
   */
  static boolean isStatic(Arm arm, String base) {
    return !arm.learned(base);
  }

  /**
   * Per arm, in the map's order: the step, {@code not reached}, or {@code –} when the arm or every
   * static arm has no evaluations.
   *
   * @param evaluations per arm, each finished seed's eval lines
   * @param staticArms the arms whose final scores set the bar
   */
  static Map<String, String> stepsToBestStatic(Map<String, List<List<MetricsSink.Evaluated>>> evaluations,
      Set<String> staticArms) {
    Map<String, TreeMap<Long, Double>> curves = new LinkedHashMap<>();
    evaluations.forEach((arm, runs) -> curves.put(arm, meanCurve(runs)));
    double bar = Double.NaN;
    for (String arm : staticArms) {
      TreeMap<Long, Double> curve = curves.get(arm);
      if (curve != null && !curve.isEmpty()) {
        double last = curve.lastEntry().getValue();
        if (Double.isNaN(bar) || better(last, bar)) {
          bar = last;
        }
      }
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, TreeMap<Long, Double>> e : curves.entrySet()) {
      out.put(e.getKey(), e.getValue().isEmpty() || Double.isNaN(bar) ? "–" : firstReaching(e.getValue(), bar));
    }
    return out;
  }

  private static String firstReaching(TreeMap<Long, Double> curve, double bar) {
    for (Map.Entry<Long, Double> point : curve.entrySet()) {
      if (point.getValue() == bar || better(point.getValue(), bar)) {
        return Long.toString(point.getKey());
      }
    }
    return "not reached";
  }

  private static boolean better(double loss, double than) {
    return loss < than;
  }

  /**
   * The mean score over the seeds at each step that every seed evaluated (a seed still training
   * has fewer steps); steps whose score is not finite are left out.
   */
  static TreeMap<Long, Double> meanCurve(List<List<MetricsSink.Evaluated>> runs) {
    TreeMap<Long, Double> sum = new TreeMap<>();
    Map<Long, Integer> seen = new TreeMap<>();
    for (List<MetricsSink.Evaluated> run : runs) {
      for (MetricsSink.Evaluated e : run) {
        double score = score(e);
        if (Double.isFinite(score)) {
          sum.merge(e.step(), score, Double::sum);
          seen.merge(e.step(), 1, Integer::sum);
        }
      }
    }
    TreeMap<Long, Double> mean = new TreeMap<>();
    sum.forEach((step, total) -> {
      if (seen.get(step) == runs.size()) {
        mean.put(step, total / runs.size());
      }
    });
    return mean;
  }

  /** The mean held-out loss over the datasets, the built-in noise set left out (NaN if none). */
  static double score(MetricsSink.Evaluated e) {
    return Evaluation.meanHeldOutLoss(e.heldOutLoss());
  }

  /** Each run folder's eval lines, per arm. */
  static Map<String, List<List<MetricsSink.Evaluated>>> read(Map<String, List<Path>> runsByArm) {
    Map<String, List<List<MetricsSink.Evaluated>>> out = new LinkedHashMap<>();
    runsByArm.forEach((arm, runs) -> out.put(arm, runs.stream().map(RunFiles::evaluations).toList()));
    return out;
  }
}
