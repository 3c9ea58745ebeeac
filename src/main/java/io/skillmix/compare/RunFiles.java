package io.skillmix.compare;

import io.skillmix.output.RunFolder;
import io.skillmix.metrics.MetricsLog;
import io.skillmix.metrics.MetricsSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
    Path file = runDir.resolve(RunFolder.WEIGHTS);
    List<String> names = MetricsLog.datasets(file);
    List<Weights> out = new ArrayList<>();
    for (MetricsSink.WeightsApplied w : MetricsLog.weights(file)) {
      out.add(new Weights(w.step(), MetricsLog.byName(names, w.probabilities())));
    }
    return out;
  }

  static List<Loss> losses(Path runDir) {
    List<String> names = MetricsLog.datasets(runDir.resolve(RunFolder.WEIGHTS));
    List<Loss> out = new ArrayList<>();
    for (MetricsSink.Command record : MetricsLog.read(runDir.resolve(RunFolder.METRICS), names)) {
      if (record instanceof MetricsSink.TrainStep t && !Double.isNaN(t.loss())) {
        out.add(new Loss(t.step(), t.dataset(), t.loss()));
      }
    }
    return out;
  }
}
