package io.skillmix.run;

import io.skillmix.metrics.RunHistory;
import io.skillmix.run.RunPreparation.Prepared;

import com.typesafe.config.Config;
import io.skillmix.UserError;
import io.skillmix.cluster.NodeSystem;
import io.skillmix.cluster.Role;
import io.skillmix.dashboard.DashboardServer;
import io.skillmix.dashboard.LiveDashboard;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A training run in this JVM: {@link #start} (or {@link #resume}) prepares it, starts an actor
 * system whose guardian ({@link RunGuardian}) spawns, wires and watches the run's actors, and
 * returns a {@link Handle} to wait for the {@link Outcome} or ask for a stop. On a learner node
 * the guardian first finds the actors on the other nodes through a {@link PeerFinder}.
 */
public final class TrainingRun {

  private TrainingRun() {}

  /** How long a finished run keeps its dashboard for an open page to read its last lines, at most. */
  private static final java.time.Duration DASHBOARD_LINGER = java.time.Duration.ofSeconds(5);

  /** What the run's guardian hears: its own messages ({@link RunGuardian}) and these. */
  public interface Command {}

  /** Finish the current step, write a checkpoint and stop. */
  enum StopRequested implements Command { INSTANCE }

  /** A learner node's peer finder answered. */
  private record PeersAnswered(PeerFinder.Answer answer) implements Command {}

  /**
   * What a finished run returns to the command line.
   *
   * @param stopped the run was stopped on request before its last step (no report then)
   * @param checkpoint the last checkpoint written, or null
   */
  public record Outcome(Path runDir, long steps, double[] probabilities, List<String> datasets,
      RunHistory history, boolean stopped, Path checkpoint) {}

  /** A run in progress in this JVM. */
  public static final class Handle {
    private final ActorSystem<Command> system;
    private final CompletableFuture<Outcome> result;
    private final List<String> notices;
    private final io.skillmix.output.RunLock lock;
    private final java.net.URI dashboard;
    private final CompletableFuture<Void> dashboardClosed;
    private final java.util.concurrent.atomic.AtomicBoolean stop;
    private final Path runDir;

    private Handle(ActorSystem<Command> system, CompletableFuture<Outcome> result, List<String> notices,
        io.skillmix.output.RunLock lock, java.net.URI dashboard, CompletableFuture<Void> dashboardClosed,
        java.util.concurrent.atomic.AtomicBoolean stop, Path runDir) {
      this.stop = stop;
      this.runDir = runDir;
      this.system = system;
      this.result = result;
      this.notices = notices;
      this.lock = lock;
      this.dashboard = dashboard;
      this.dashboardClosed = dashboardClosed;
    }

    /** The address of the run's live dashboard ({@code run.dashboard-port}), or null when it has none. */
    public java.net.URI dashboard() {
      return dashboard;
    }

    /** What preparing the run has to tell the user (a resume's checkpoint and overrides). */
    public List<String> notices() {
      return notices;
    }

    /** Asks the run to finish its current step, write a checkpoint and stop. */
    public void requestStop() {
      stop.set(true); // seen at once by an evaluation that holds the learner's thread
      system.tell(StopRequested.INSTANCE);
    }

    /** Waits for the run to end; its error, if it failed. */
    public Outcome await() {
      try {
        system.getWhenTerminated().toCompletableFuture().get();
        lock.close(); // the run folder is free once await returns
        dashboardClosed.get(); // an open page has read the run's last lines
        if (!result.isDone()) {
          // Only a fatal error (out of memory) ends the actor system without an outcome.
          java.util.Optional<Path> last = new io.skillmix.checkpoint.Checkpoints(runDir, 1).latest();
          result.completeExceptionally(new RunFailure("the run ended after a fatal error in one of its actors (its"
              + " error is in the log above, such as out of memory); " + last.map(p -> "the last complete checkpoint is "
                  + p + "; resume with: scripts/skillmix train --resume " + runDir).orElse("no checkpoint was written")));
        }
        return result.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        system.terminate();
        throw new IllegalStateException("interrupted", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        throw new IllegalStateException(e.getCause());
      }
    }
  }

  /** Runs a whole training job in this JVM and returns when it has ended. */
  public static Outcome run(Config config) {
    return start(config).await();
  }

  /** Starts a new run in this JVM. */
  public static Handle start(Config config) {
    return start(config, ActorHooks.NONE);
  }

  /** Starts a new run whose actors are wrapped by {@code hooks} (tests inject faults so). */
  public static Handle start(Config config, ActorHooks hooks) {
    return start(config, hooks, null);
  }

  /**
   * Starts a new run; on a learner node ({@code cluster.role = learner}) {@code finder} finds the
   * run's actors on the other nodes (the command line passes the cluster's).
   */
  public static Handle start(Config config, ActorHooks hooks, PeerFinder finder) {
    LiveDashboard.port(config, false); // a bad value is refused before anything starts
    return launch(RunPreparation.newRun(config), config, hooks, finder);
  }

  /**
   * Continues the run in {@code runDir} from its newest complete checkpoint, with its recorded
   * configuration and {@code overrides} on top. {@code metrics.jsonl} and {@code weights.jsonl} are
   * cut back to the checkpoint, then appended to.
   */
  public static Handle resume(Path runDir, List<String> overrides) {
    return resume(runDir, overrides, null);
  }

  /** As {@link #resume(Path, List)}; {@code finder} as for {@link #start(Config, ActorHooks, PeerFinder)}. */
  public static Handle resume(Path runDir, List<String> overrides, PeerFinder finder) {
    Prepared prepared = RunPreparation.resume(runDir, overrides);
    return launch(prepared, prepared.settings().config(), ActorHooks.NONE, finder);
  }

  private static PeerFinder requireFinder(PeerFinder finder) {
    if (finder == null) {
      throw new IllegalStateException("a learner node needs a peer finder (io.skillmix.node.ClusterPeers)");
    }
    return finder;
  }

  private static Handle launch(Prepared prepared, Config config, ActorHooks hooks, PeerFinder finder) {
    CompletableFuture<Outcome> result = new CompletableFuture<>();
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    Behavior<Command> guardian = Role.from(config) == Role.LEARNER
        ? findingPeers(prepared, config, result, hooks, requireFinder(finder), stop)
        : Behaviors.setup(context -> new RunGuardian(context, prepared, result, null, hooks, stop::get));
    // Before the actor system: a dashboard port that is taken refuses the run before it starts.
    DashboardServer dashboard;
    try {
      dashboard = LiveDashboard.start(config, prepared.settings().runDir(), System.console() != null);
    } catch (RuntimeException e) {
      prepared.lock().close();
      throw e;
    }
    ActorSystem<Command> system;
    try {
      system = NodeSystem.create(guardian, config);
    } catch (RuntimeException e) {
      prepared.lock().close();
      if (dashboard != null) {
        dashboard.close();
      }
      throw e;
    }
    CompletableFuture<Void> dashboardClosed = new CompletableFuture<>();
    system.getWhenTerminated().whenComplete((done, error) -> {
      prepared.lock().close();
      if (dashboard == null) {
        dashboardClosed.complete(null);
        return;
      }
      // The page keeps what it shows; `skillmix dashboard RUN_DIR` shows the folder again.
      Thread closing = new Thread(() -> {
        dashboard.closeOnceRead(DASHBOARD_LINGER);
        dashboardClosed.complete(null);
      }, "skillmix-dashboard-close");
      closing.setDaemon(true);
      closing.start();
    });
    List<String> notices = new java.util.ArrayList<>(prepared.notices());
    if (dashboard != null) {
      notices.add("dashboard: " + dashboard.address() + " (live, read-only, this machine only)");
    }
    return new Handle(system, result, List.copyOf(notices), prepared.lock(),
        dashboard == null ? null : dashboard.address(), dashboardClosed, stop, prepared.settings().runDir());
  }

  /**
   * A learner node first finds its run's actors on the other nodes, then runs as in one JVM with
   * them; a finder that gives up ends the run with its line.
   */
  private static Behavior<Command> findingPeers(Prepared prepared, Config config, CompletableFuture<Outcome> result,
      ActorHooks hooks, PeerFinder finder, java.util.concurrent.atomic.AtomicBoolean stop) {
    return Behaviors.setup(context -> {
      ActorRef<Command> self = context.getSelf();
      context.spawn(finder.find(prepared, config, context.messageAdapter(PeerFinder.Answer.class, PeersAnswered::new),
          result::completeExceptionally, () -> self.tell(StopRequested.INSTANCE)), "peers");
      return Behaviors.receive(Command.class)
          .onMessage(PeersAnswered.class, answered -> {
            if (answered.answer() instanceof PeerFinder.Found found) {
              return new RunGuardian(context, prepared, result, found.peers(), hooks, stop::get);
            }
            result.completeExceptionally(((PeerFinder.NotFound) answered.answer()).error());
            return Behaviors.stopped();
          })
          .onMessageEquals(StopRequested.INSTANCE, () -> {
            result.completeExceptionally(new UserError("stopped before the run's other nodes were found"));
            return Behaviors.stopped();
          })
          .build();
    });
  }

}
