package io.skillmix.dashboard;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.skillmix.UserError;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;

/**
 * The dashboard's web server: Pekko HTTP on 127.0.0.1 only, in an actor system of its own (a run's
 * system may be a cluster node, and a port that is taken must be refused before the run starts).
 * Read-only: it reads the run folders' files and answers GET requests ({@link DashboardRoutes}).
 */
public final class DashboardServer implements AutoCloseable {

  /** The only interface it listens on: nothing but this machine can reach it. */
  public static final String HOST = "127.0.0.1";
  private static final Duration BIND_TIMEOUT = Duration.ofSeconds(20);

  private final ActorSystem<Void> system;
  private final ServerBinding binding;
  private final DashboardRoutes routes;

  private DashboardServer(ActorSystem<Void> system, ServerBinding binding, DashboardRoutes routes) {
    this.system = system;
    this.binding = binding;
    this.routes = routes;
  }

  /**
   * Serves {@code runs} on 127.0.0.1:{@code port} (0: a free port), or refuses in one line naming
   * {@code setting} (the key or option that gave the port) when it cannot listen there.
   */
  public static DashboardServer start(ServedRuns runs, int port, String setting) {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "skillmix-dashboard", systemConfig());
    try {
      Executor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
      DashboardRoutes routes = new DashboardRoutes(runs, blocking);
      ServerBinding binding = Http.get(system).newServerAt(HOST, port)
          .bind(routes.route())
          .toCompletableFuture().get(BIND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      return new DashboardServer(system, binding, routes);
    } catch (ExecutionException | TimeoutException e) {
      system.terminate();
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new UserError(setting + ": the dashboard cannot listen on " + HOST + ":" + port + " (" + cause.getMessage()
          + "); give a free port, or 0 for none");
    } catch (InterruptedException e) {
      system.terminate();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the dashboard was binding", e);
    } catch (RuntimeException e) {
      system.terminate();
      throw e;
    }
  }

  /**
   * A system for the server alone: local, quiet, and taking none of a run's cluster settings.
   * Pekko HTTP's server header is left out (nothing to tell a caller).
   */
  private static Config systemConfig() {
    return ConfigFactory.parseString("""
        pekko.actor.provider = local
        pekko.http.server.server-header = ""
        """).withFallback(ConfigFactory.load());
  }

  /** Where the page is: {@code http://127.0.0.1:PORT/}. */
  public URI address() {
    InetSocketAddress at = binding.localAddress();
    return URI.create("http://" + HOST + ":" + at.getPort() + "/");
  }

  /**
   * Closes once a page watching the runs has read their last lines and looked at whether they
   * finished, or after {@code most}; at once when no page is watching. Called when a run has
   * ended: without it, an open page would never see the run's last lines and its report.
   */
  public void closeOnceRead(Duration most) {
    try {
      if (routes.watched()) {
        routes.awaitRead(routes.mark(), most.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.io.IOException unreadable) {
      // nothing more to show: close
    }
    close();
  }

  /** Stops listening and ends the server's actor system. */
  @Override
  public void close() {
    try {
      binding.terminate(Duration.ofSeconds(2)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // closing anyway: the system's end takes the socket with it
    } finally {
      system.terminate();
    }
  }

  /** Waits until the server has stopped (the dashboard command blocks here until Ctrl-C). */
  public void awaitTermination() throws InterruptedException {
    try {
      system.getWhenTerminated().toCompletableFuture().get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }
}
