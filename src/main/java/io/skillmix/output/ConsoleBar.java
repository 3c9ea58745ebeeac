package io.skillmix.output;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress bars for the console only. A bar is redrawn with carriage returns, which in a log file
 * or a pipe become one long line of bars; so a bar is drawn only when the process has a terminal,
 * and on standard output, whose being a terminal Java can tell (standard error it cannot: the
 * launcher may filter it through a pipe, see scripts/skillmix).
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
        .setUpdateIntervalMillis(500).setConsumer(new ConsoleProgressBarConsumer(System.out, 160)).build();
  }
}
