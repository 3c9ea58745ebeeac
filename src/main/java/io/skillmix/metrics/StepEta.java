package io.skillmix.metrics;

import java.util.ArrayDeque;
import java.util.OptionalDouble;

/**
 * The time left in a run, from the measured time between steps once the run has warmed up. The
 * first steps of a session are slow and say little (the JIT, the evaluation before step 0, the
 * first batches), and an average from the start once put 1:26:17 on a 17-minute run: they are left
 * out, and the estimate is the mean interval over the last {@link #WINDOW} steps, evaluations and
 * waits included, times the steps left.
 */
final class StepEta {

  /** Step intervals left out at the start of a session (a resume warms up again). */
  static final int WARM_UP = 5;
  /** Step intervals the estimate averages. */
  static final int WINDOW = 100;

  private final ArrayDeque<Long> intervals = new ArrayDeque<>();
  private long sum;
  private long lastNanos = -1;
  private int seen;

  /** A step ended at {@code nanos} (a monotonic clock). */
  void step(long nanos) {
    if (lastNanos >= 0 && ++seen > WARM_UP) {
      long interval = nanos - lastNanos;
      intervals.addLast(interval);
      sum += interval;
      if (intervals.size() > WINDOW) {
        sum -= intervals.removeFirst();
      }
    }
    lastNanos = nanos;
  }

  /** Seconds left for {@code stepsLeft} steps, or empty while warming up. */
  OptionalDouble secondsLeft(long stepsLeft) {
    if (intervals.isEmpty()) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(Math.max(0, stepsLeft) * (sum / 1e9 / intervals.size()));
  }

  /** h:mm:ss, or "--" while warming up. */
  static String format(OptionalDouble seconds) {
    if (seconds.isEmpty()) {
      return "--";
    }
    long s = Math.round(seconds.getAsDouble());
    return String.format(java.util.Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  }
}
