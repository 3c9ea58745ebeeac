package io.skillmix.output;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress bars for the console only. The bar library writes carriage returns straight to the
 * process's standard error, which in a log file or a pipe becomes one long line of bars; so a
 * bar is drawn only when the process has a terminal.
 */
public final class ConsoleBar {

  private ConsoleBar() {}

  /** Whether standard input and output are a terminal (Java 17: {@link System#console()} is then set). */
  public static boolean isTerminal() {
    return System.console() != null;
  }

  /** A bar over {@code max} steps when {@code wanted} and on a terminal, else null. */
  public static ProgressBar openOrNull(boolean wanted, String task, long max) {
    if (!wanted || !isTerminal()) {
      return null;
    }
    return new ProgressBarBuilder().setTaskName(task).setInitialMax(max).setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(500).setMaxRenderedLength(160).build();
  }
}
