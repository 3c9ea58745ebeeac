package io.skillmix.metrics;

import java.util.List;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** The console progress bar of a run: step, loss, tokens/s, current probabilities, ETA. */
public final class ProgressDisplay implements AutoCloseable {

  private final ProgressBar bar;
  private final List<String> datasets;
  private boolean closed;
  private double smoothedLoss = Double.NaN;
  private double smoothedTokensPerSecond = Double.NaN;

  private ProgressDisplay(ProgressBar bar, List<String> datasets) {
    this.bar = bar;
    this.datasets = datasets;
  }

  /** A bar on the console, or none (tests, or {@code run.progress = false}). */
  public static ProgressDisplay create(boolean enabled, long totalSteps, long startStep,
      List<String> datasets) {
    if (!enabled) {
      return new ProgressDisplay(null, datasets);
    }
    ProgressBar bar = new ProgressBarBuilder()
        .setTaskName("train")
        .setInitialMax(totalSteps)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(500)
        .setMaxRenderedLength(160)
        .build();
    bar.stepTo(startStep);
    return new ProgressDisplay(bar, datasets);
  }

  void onStep(MetricsSink.TrainStep m, RunHistory history) {
    if (bar == null) {
      return;
    }
    smoothedLoss = Double.isNaN(smoothedLoss) ? m.loss() : 0.95 * smoothedLoss + 0.05 * m.loss();
    double tps = m.seconds() > 0 ? m.tokens() / m.seconds() : 0;
    smoothedTokensPerSecond = Double.isNaN(smoothedTokensPerSecond)
        ? tps : 0.95 * smoothedTokensPerSecond + 0.05 * tps;
    StringBuilder extra = new StringBuilder(String.format(Locale.ROOT,
        "loss %.3f | %.0f tok/s |", smoothedLoss, smoothedTokensPerSecond));
    double[] p = history.currentProbabilities();
    for (int i = 0; i < p.length && i < datasets.size(); i++) {
      extra.append(String.format(Locale.ROOT, " %s %.2f", abbreviate(datasets.get(i)), p[i]));
    }
    bar.stepTo(m.step() + 1);
    bar.setExtraMessage(extra.toString());
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
