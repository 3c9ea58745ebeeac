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

  /** One training step: which dataset's batch and its loss. */
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
    for (MetricsSink.Command record : MetricsLog.read(runDir.resolve(RunFolder.METRICS), null)) {
      if (record instanceof MetricsSink.TrainStep t && !Double.isNaN(t.loss())) {
        out.add(new Loss(t.step(), t.dataset(), t.loss()));
      }
    }
    return out;
  }
}
