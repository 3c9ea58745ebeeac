package io.skillmix.compare;

import io.skillmix.metrics.SystemFigures;
import java.util.function.ToDoubleFunction;

/** One column of the comparison's system table: a figure of each run's {@code system} line. */
enum SystemColumn {
  WALL("wall s", SystemFigures::wallSeconds),
  TOKENS_PER_SECOND("tokens/s", SystemFigures::realTokensPerSecond),
  WAITING("learner waiting %", f -> 100 * f.waitingShare()),
  STALENESS_MEAN("staleness mean", SystemFigures::stalenessMean),
  STALENESS_MAX("staleness max", f -> f.updatesApplied() == 0 ? Double.NaN : f.stalenessMax()),
  EVALUATOR_BUSY("evaluator busy %", f -> 100 * f.evaluatorBusyShare()),
  LATENCY("reward latency s", SystemFigures::latencyMean),
  SENT("snapshots sent", SystemFigures::snapshotsSent),
  SKIPPED("snapshots skipped", SystemFigures::snapshotsSkipped);

  private final String label;
  private final ToDoubleFunction<SystemFigures> read;

  SystemColumn(String label, ToDoubleFunction<SystemFigures> read) {
    this.label = label;
    this.read = read;
  }

  String label() {
    return label;
  }

  double read(SystemFigures figures) {
    return read.applyAsDouble(figures);
  }
}
