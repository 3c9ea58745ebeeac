package io.skillmix.dashboard;

import com.typesafe.config.Config;
import io.skillmix.UserError;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The dashboard a training run serves of itself, as {@code run.dashboard-port} says: {@code auto}
 * (the default) a free port when the run's console is a terminal and none otherwise (tests, CI,
 * compare's child runs, output piped to a file), {@code 0} none, or that port.
 */
public final class LiveDashboard {

  public static final String KEY = "run.dashboard-port";

  private LiveDashboard() {}

  /**
   * The port to listen on: null for none, 0 for a free one. A bad value is refused in one line.
   *
   * @param terminal whether the run's console is a terminal (what {@code auto} decides on)
   */
  public static Integer port(Config config, boolean terminal) {
    if (!config.hasPath(KEY)) {
      return null;
    }
    String value = String.valueOf(config.getValue(KEY).unwrapped()).trim().toLowerCase(Locale.ROOT);
    if (value.equals("auto")) {
      return terminal ? 0 : null;
    }
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65535) {
        return port == 0 ? null : port;
      }
    } catch (NumberFormatException notANumber) {
      // refused below
    }
    throw new UserError(KEY + " = " + value + ": give auto (a free port when on a terminal), 0 (no dashboard)"
        + " or a port 1-65535");
  }

  /** Starts the dashboard of the run in {@code runDir} if the config asks for one; null otherwise. */
  public static DashboardServer start(Config config, Path runDir, boolean terminal) {
    Integer port = port(config, terminal);
    return port == null ? null : DashboardServer.start(ServedRuns.of(runDir), port, KEY + " = " + port);
  }
}
