package io.skillmix.cli;

import io.skillmix.dashboard.DashboardServer;
import io.skillmix.dashboard.ServedRuns;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code skillmix dashboard RUN_DIR...}: the live dashboard of runs from their folders, side by side
 * (a compare folder gives every arm and seed below it). A run still training in another process
 * updates as it goes. Serves until Ctrl-C.
 */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
    description = "Show runs in the browser from their folders, side by side: probabilities, losses, rewards,"
        + " evaluations and the actor system's figures. A folder may be a run (runs/NAME) or hold runs (a compare"
        + " folder's ARM/seed-K, a --orders run). Listens on 127.0.0.1 only; Ctrl-C stops it.")
public final class DashboardCommand implements Runnable {

  @Option(names = "--port", paramLabel = "N", defaultValue = "0",
      description = "Port on 127.0.0.1 (default: a free one).")
  int port;

  @Parameters(paramLabel = "RUN_DIR", arity = "1..*", description = "Run folders or folders holding runs.")
  List<Path> folders = new ArrayList<>();

  @Override
  public void run() {
    if (port < 0 || port > 65535) {
      throw new io.skillmix.UserError("--port " + port + ": give a port 1-65535, or 0 for a free one");
    }
    ServedRuns runs = ServedRuns.find(folders);
    DashboardServer server = DashboardServer.start(runs, port, "--port " + port);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "skillmix-dashboard-stop"));
    System.out.printf("dashboard: %s (%d run(s); read-only, this machine only; Ctrl-C stops it)%n",
        server.address(), runs.size());
    System.out.flush();
    try {
      server.awaitTermination();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.close();
    }
  }
}
