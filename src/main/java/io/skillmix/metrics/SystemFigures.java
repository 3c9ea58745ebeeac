package io.skillmix.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a run cost and how asynchronous it was, beside what it learned: the {@code system} line of
 * {@code metrics.jsonl} (written at every checkpoint and at the end, covering the whole run, resumed
 * sessions included), the report's "System" section and {@code compare}'s system table.
 *
 * @param wallSeconds from the start of the training loop to its end (sessions added up)
 * @param trainSeconds the learner computing steps
 * @param waitSeconds the learner waiting for batches or for probabilities it must apply
 * @param realTokens tokens of the training batches without padding
 * @param evaluatorSeconds the reward evaluator at work (drawing its batches and computing rewards)
 * @param updatesApplied probabilities computed from a snapshot that took effect (the prior not counted)
 * @param stalenessMean over applied updates: steps between the snapshot and the step it took effect
 *     (NaN without updates)
 * @param stalenessMax the largest of those (0 without updates)
 * @param snapshotsSent parameter snapshots sent to the evaluator
 * @param snapshotsSkipped snapshots whose probabilities were given up on (a failure or a timeout)
 * @param latencyMean over answered snapshots: seconds from sending it to its probabilities reaching
 *     the learner (NaN without answers)
 * @param latencyMax the longest of those
 */
public record SystemFigures(double wallSeconds, double trainSeconds, double waitSeconds, long realTokens,
    double evaluatorSeconds, long updatesApplied, double stalenessMean, long stalenessMax, long snapshotsSent,
    long snapshotsSkipped, double latencyMean, double latencyMax) {

  /** Tokens without padding per second of wall time. */
  public double realTokensPerSecond() {
    return realTokens / Math.max(1e-9, wallSeconds);
  }

  /** The learner's share of its loop spent waiting (0 to 1). */
  public double waitingShare() {
    return waitSeconds / Math.max(1e-9, trainSeconds + waitSeconds);
  }

  /** The evaluator's share of the wall time spent at work (0 to 1; it works beside the learner). */
  public double evaluatorBusyShare() {
    return evaluatorSeconds / Math.max(1e-9, wallSeconds);
  }

  /** The metrics line: {@code {"event":"system", ...}}. */
  Map<String, Object> line() {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("event", "system");
    line.put("wall_seconds", wallSeconds);
    line.put("train_seconds", trainSeconds);
    line.put("wait_seconds", waitSeconds);
    line.put("real_tokens", realTokens);
    line.put("real_tokens_per_second", realTokensPerSecond());
    line.put("waiting_share", waitingShare());
    line.put("evaluator_seconds", evaluatorSeconds);
    line.put("evaluator_busy_share", evaluatorBusyShare());
    line.put("updates_applied", updatesApplied);
    line.put("staleness_mean", orNull(stalenessMean));
    line.put("staleness_max", stalenessMax);
    line.put("snapshots_sent", snapshotsSent);
    line.put("snapshots_skipped", snapshotsSkipped);
    line.put("reward_latency_mean", orNull(latencyMean));
    line.put("reward_latency_max", orNull(latencyMax));
    return line;
  }

  /** No figure (no update, no answer) is written as null. */
  private static Double orNull(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
