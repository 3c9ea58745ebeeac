package io.skillmix.compare;

import io.skillmix.output.RunFolder;
import io.skillmix.metrics.MetricsLog;
import io.skillmix.metrics.MetricsSink;
import io.skillmix.metrics.WeightUpdate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What {@code compare} reads back from a finished run folder: its probabilities and losses over steps. */
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
}
