package io.skillmix.metrics;

import io.skillmix.output.ConsoleBar;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A run's progress on the console: step, loss, tokens/s, current probabilities, ETA. On a terminal
 * a bar redrawn in place; otherwise (a log file, a pipe, a job scheduler) a plain line every
 * {@link #PLAIN_EVERY}, since a bar there becomes one long line of carriage returns. The ETA is
 * {@link StepEta}'s: the measured step time after a warm-up.
 */
public final class ProgressDisplay implements AutoCloseable {

  /** How often a plain progress line is written when there is no terminal. */
  static final Duration PLAIN_EVERY = Duration.ofSeconds(30);

  private final ProgressBar bar;
  private final PrintStream plain;
  private final LongSupplier nanos;
  private final long totalSteps;
  private final List<String> datasets;
  private final StepEta eta = new StepEta();
  private volatile OptionalDouble secondsLeft = OptionalDouble.empty();
  private long lastPlainNanos = Long.MIN_VALUE;
  private boolean closed;
  private double smoothedLoss = Double.NaN;
  private double smoothedTokensPerSecond = Double.NaN;

  private ProgressDisplay(ProgressBar bar, PrintStream plain, LongSupplier nanos, long totalSteps, List<String> datasets) {
    this.bar = bar;
    this.plain = plain;
    this.nanos = nanos;
    this.totalSteps = totalSteps;
    this.datasets = datasets;
  }

  /**
   * The display of a run: a bar on a terminal, plain lines on standard output otherwise, or
   * nothing ({@code run.progress = false}, tests).
   */
  public static ProgressDisplay create(boolean enabled, long totalSteps, long startStep, List<String> datasets) {
    if (!enabled) {
      return new ProgressDisplay(null, null, System::nanoTime, totalSteps, datasets);
    }
    if (!ConsoleBar.isTerminal()) {
      return plain(System.out, System::nanoTime, totalSteps, datasets);
    }
    ProgressDisplay[] self = new ProgressDisplay[1];
    ProgressBar bar = new ProgressBarBuilder()
        .setTaskName("train")
        .setInitialMax(totalSteps)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(500)
        .setConsumer(new ConsoleProgressBarConsumer(System.out, 160))
        .setEtaFunction(state -> self[0] == null || self[0].secondsLeft.isEmpty() ? Optional.empty()
            : Optional.of(Duration.ofSeconds(Math.round(self[0].secondsLeft.getAsDouble()))))
        .build();
    bar.stepTo(startStep);
    self[0] = new ProgressDisplay(bar, null, System::nanoTime, totalSteps, datasets);
    return self[0];
  }

  /** Plain lines on {@code out}, timed by {@code nanos} (a test's clock). */
  static ProgressDisplay plain(PrintStream out, LongSupplier nanos, long totalSteps, List<String> datasets) {
    return new ProgressDisplay(null, out, nanos, totalSteps, datasets);
  }

  void onStep(MetricsSink.TrainStep m, RunHistory history) {
    if (bar == null && plain == null) {
      return;
    }
    long now = nanos.getAsLong();
    eta.step(now);
    secondsLeft = eta.secondsLeft(totalSteps - (m.step() + 1));
    smoothedLoss = Double.isNaN(smoothedLoss) ? m.loss() : 0.95 * smoothedLoss + 0.05 * m.loss();
    double tps = m.seconds() > 0 ? m.tokens() / m.seconds() : 0;
    smoothedTokensPerSecond = Double.isNaN(smoothedTokensPerSecond)
        ? tps : 0.95 * smoothedTokensPerSecond + 0.05 * tps;
    StringBuilder extra = new StringBuilder(String.format(Locale.ROOT,
        "loss %.3f | %.0f tok/s", smoothedLoss, smoothedTokensPerSecond));
    double[] p = history.currentProbabilities();
    for (int i = 0; i < p.length && i < datasets.size(); i++) {
      extra.append(i == 0 ? " |" : "").append(String.format(Locale.ROOT, " %s %.2f", abbreviate(datasets.get(i)), p[i]));
    }
    if (bar != null) {
      bar.stepTo(m.step() + 1);
      bar.setExtraMessage(extra.toString());
      return;
    }
    boolean last = m.step() + 1 >= totalSteps;
    if (lastPlainNanos == Long.MIN_VALUE || now - lastPlainNanos >= PLAIN_EVERY.toNanos() || last) {
      lastPlainNanos = now;
      plain.printf(Locale.ROOT, "step %d/%d (%.0f%%) | %s | ETA %s%n", m.step() + 1, totalSteps,
          100.0 * (m.step() + 1) / totalSteps, extra.toString().trim(), StepEta.format(secondsLeft));
      plain.flush();
    }
  }

  private static String abbreviate(String name) {
    return name.length() <= 5 ? name : name.substring(0, 4);
  }

  @Override
  public void close() {
    if (bar != null && !closed) {
      closed = true;
      bar.close();
    }
  }
}
