package io.skillmix.compare;

import io.skillmix.metrics.SystemFigures;
import java.util.function.ToDoubleFunction;

/** One column of the comparison's system table: a figure of each run's {@code system} line. */
enum SystemColumn {
  WALL("wall s", 1, SystemFigures::wallSeconds),
  TOKENS_PER_SECOND("tokens/s", 0, SystemFigures::realTokensPerSecond),
  WAITING("learner waiting %", 1, f -> 100 * f.waitingShare()),
  STALENESS_MEAN("staleness mean", 2, SystemFigures::stalenessMean),
  STALENESS_MAX("staleness max", 0, f -> f.updatesApplied() == 0 ? Double.NaN : f.stalenessMax()),
  EVALUATOR_BUSY("evaluator busy %", 1, f -> 100 * f.evaluatorBusyShare()),
  LATENCY("reward latency s", 1, SystemFigures::latencyMean),
  SENT("snapshots sent", 0, SystemFigures::snapshotsSent),
  SKIPPED("snapshots skipped", 0, SystemFigures::snapshotsSkipped);

  private final String label;
  private final int decimals;
  private final ToDoubleFunction<SystemFigures> read;

  SystemColumn(String label, int decimals, ToDoubleFunction<SystemFigures> read) {
    this.label = label;
    this.decimals = decimals;
    this.read = read;
  }

  String label() {
    return label;
  }

  /** Digits after the point in the table (counts have none). */
  int decimals() {
    return decimals;
  }

  double read(SystemFigures figures) {
    return read.applyAsDouble(figures);
  }
}
