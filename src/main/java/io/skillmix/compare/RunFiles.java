package io.skillmix.compare;

import io.skillmix.output.RunFolder;
import io.skillmix.metrics.MetricsLog;
import io.skillmix.metrics.MetricsSink;
import io.skillmix.metrics.WeightUpdate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code compare} reads back from a finished run folder: its probabilities, losses, rewards and
 * evaluations over steps.
 */
final class RunFiles {

  /** Probabilities that took effect at {@code step}, by dataset name. */
  record Weights(long step, Map<String, Double> probabilities) {}

  /** One dataset's loss at one training step (a step mixing datasets gives one per dataset). */
  record Loss(long step, String dataset, double loss) {}

  private RunFiles() {}

  static List<Weights> weights(Path runDir) {
    MetricsLog.Weights log = MetricsLog.weights(runDir.resolve(RunFolder.WEIGHTS));
    List<Weights> out = new ArrayList<>();
    for (WeightUpdate w : log.lines()) {
      out.add(new Weights(w.effectiveStep(), MetricsLog.byName(log.datasets(), w.probabilities())));
    }
    return out;
  }

  static List<Loss> losses(Path runDir) {
    List<Loss> out = new ArrayList<>();
    MetricsLog.Metrics metrics = MetricsLog.metrics(runDir.resolve(RunFolder.METRICS));
    List<String> names = metrics.datasets();
    for (MetricsSink.Command record : metrics.records()) {
      if (record instanceof MetricsSink.TrainStep t) {
        for (int d = 0; d < names.size(); d++) {
          if (t.has(d) && !Double.isNaN(t.datasetLosses()[d])) {
            out.add(new Loss(t.step(), names.get(d), t.datasetLosses()[d]));
          }
        }
      }
    }
    return out;
  }

  /** The evaluations during training ({@code eval.every}), in step order. */
  static List<MetricsSink.Evaluated> evaluations(Path runDir) {
    List<MetricsSink.Evaluated> out = new ArrayList<>();
    for (MetricsSink.Command record : MetricsLog.read(runDir.resolve(RunFolder.METRICS), null)) {
      if (record instanceof MetricsSink.Evaluated e) {
        out.add(e);
      }
    }
    return out;
  }

  /** The scorer's rewards for the snapshot of {@code version}, raw and smoothed, by dataset name. */
  record Rewards(long version, Map<String, Double> raw, Map<String, Double> smoothed) {}

  static List<Rewards> rewards(Path runDir) {
    Path file = runDir.resolve(RunFolder.METRICS);
    List<String> names = MetricsLog.datasets(file);
    List<Rewards> out = new ArrayList<>();
    for (MetricsSink.Command record : MetricsLog.read(file, names)) {
      if (record instanceof MetricsSink.RewardsComputed r) {
        out.add(new Rewards(r.version(), MetricsLog.byName(names, r.rewards()), MetricsLog.byName(names, r.smoothed())));
      }
    }
    return out;
  }
}
