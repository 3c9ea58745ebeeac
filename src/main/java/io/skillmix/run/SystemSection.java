package io.skillmix.run;

import io.skillmix.metrics.SystemFigures;
import java.util.Locale;

/** The report's "System" section: where the run's time went and how stale its weights were. */
final class SystemSection {

  private SystemSection() {}

  static String markdown(SystemFigures f) {
    StringBuilder md = new StringBuilder("## System\n\n| figure | value |\n|---|---:|\n");
    row(md, "wall time of the training loop (s)", "%.1f", f.wallSeconds());
    row(md, "tokens/s (without padding, over the wall time)", "%.0f", f.realTokensPerSecond());
    row(md, "learner computing (s)", "%.1f", f.trainSeconds());
    row(md, "learner waiting for data or weights (s)", "%.1f", f.waitSeconds());
    row(md, "learner waiting share (%)", "%.2f", 100 * f.waitingShare());
    row(md, "evaluator at work (s)", "%.1f", f.evaluatorSeconds());
    row(md, "evaluator busy share of the wall time (%)", "%.2f", 100 * f.evaluatorBusyShare());
    row(md, "reward latency, snapshot sent to probabilities back: mean (s)", "%.2f", f.latencyMean());
    row(md, "reward latency: max (s)", "%.2f", f.latencyMax());
    row(md, "updates applied", "%.0f", f.updatesApplied());
    row(md, "staleness, steps from snapshot to effect: mean", "%.2f", f.stalenessMean());
    row(md, "staleness: max", "%.0f", f.stalenessMax());
    row(md, "snapshots sent", "%.0f", f.snapshotsSent());
    row(md, "snapshots skipped (no probabilities in time, or a failure)", "%.0f", f.snapshotsSkipped());
    return md.append('\n').toString();
  }

  private static void row(StringBuilder md, String label, String format, double value) {
    md.append("| ").append(label).append(" | ")
        .append(Double.isFinite(value) ? String.format(Locale.ROOT, format, value) : "–").append(" |\n");
  }
}
