package io.skillmix.node;

import com.typesafe.config.Config;
import io.skillmix.UserError;
import io.skillmix.cluster.NodeClaim;
import io.skillmix.cluster.NodeSystem;
import io.skillmix.cluster.Role;
import io.skillmix.cluster.RunId;
import io.skillmix.cluster.RunKeys;
import io.skillmix.data.DatasetActor;
import io.skillmix.mix.ModelRewards;
import io.skillmix.model.ModelInputs;
import io.skillmix.run.RunActors;
import io.skillmix.run.RunPreparation;
import io.skillmix.run.RunSettings;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * A node that serves a learner on another node: role {@code data} (the run's dataset actors,
 * registered under {@link RunKeys#dataset}) or {@code evaluator} (a member of the run's pool of
 * reward evaluators, {@link EvaluatorMember}), both under its run's id. It serves the first learner
 * of its run that claims it ({@link NodeClaim}) and refuses any other, until that learner has left
 * the cluster (or was removed as unreachable); then it stops.
 *
 * <p>Asked to stop (SIGTERM, or SIGINT where the shell lets it through), a node first asks its
 * learner to checkpoint and stop, and goes once the learner has left (at most
 * {@code cluster.stop-wait}), then exits 0: stopping any node of a job stops the job as a one-JVM
 * stop does, and the run's datasets and rewards outlive its last checkpoint. (A node that dies
 * instead is another matter: the pool redoes an evaluator's share; a dead data node ends the run.)
 */
public final class ServingNode {

  private ServingNode() {}

  private interface Command {}

  private record MemberChanged(ClusterEvent.MemberEvent event) implements Command {}

  /** Starts the node for {@code config}'s cluster.role and blocks until it stops. */
  public static void serve(Config config) {
    Role role = Role.from(config);
    if (role != Role.DATA && role != Role.EVALUATOR) {
      throw new UserError("cluster.role = " + role.key() + " is not a serving role (data or evaluator)");
    }
    if (!"cluster".equals(config.getString("pekko.actor.provider"))) {
      throw new UserError("a " + role.key() + " node needs pekko.actor.provider = cluster; give it a cluster"
          + " config such as --config cluster-conf/" + role.key() + ".conf");
    }
    String runId = RunId.of(config);
    Duration stopWait = io.skillmix.cluster.ClusterSettings.from(config).stopWait();
    RunPreparation.Prepared prepared = RunPreparation.parts(RunSettings.from(config));
    AtomicReference<NodeClaim.Claim> owner = new AtomicReference<>();
    ActorSystem<Command> system = NodeSystem.create(
        Behaviors.setup(context -> start(context, role, prepared, runId, owner)), config);
    Thread hook = new Thread(() -> stop(system, owner, stopWait), "skillmix-node-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      system.getWhenTerminated().toCompletableFuture().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      system.terminate();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs: it has nothing left to do, the node has stopped
    }
    NodeSystem.refusedJoin(system).ifPresent(error -> {
      throw error;
    });
  }

  /**
   * The JVM is asked to stop. A node that serves a learner asks it to checkpoint and stop, then
   * waits for it to leave (which stops this node); it leaves the cluster in order and exits 0.
   */
  private static void stop(ActorSystem<Command> system, AtomicReference<NodeClaim.Claim> owner, Duration stopWait) {
    if (system.getWhenTerminated().toCompletableFuture().isDone()) {
      Runtime.getRuntime().halt(0); // it had stopped cleanly; the signal only ends the JVM
    }
    NodeClaim.Claim learner = owner.get();
    if (learner != null) {
      String self = Cluster.get(system).selfMember().address().toString();
      system.log().warn("asked to stop: the learner at {} checkpoints and stops first (at most cluster.stop-wait = {} s)",
          learner.learner(), stopWait.toSeconds());
      learner.stopJob().tell(new NodeClaim.StopJob(self));
      if (awaitTermination(system, stopWait)) {
        Runtime.getRuntime().halt(0); // the learner left after its checkpoint, and this node with it
      }
      system.log().warn("the learner did not stop within cluster.stop-wait; this node leaves now");
    }
    CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.jvmExitReason());
    awaitTermination(system, Duration.ofSeconds(30));
    Runtime.getRuntime().halt(0);
  }

  private static boolean awaitTermination(ActorSystem<?> system, Duration wait) {
    try {
      system.getWhenTerminated().toCompletableFuture().get(wait.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException e) {
      return true;
    }
  }

  private static Behavior<Command> start(ActorContext<Command> context, Role role, RunPreparation.Prepared prepared,
      String runId, AtomicReference<NodeClaim.Claim> owner) {
    if (role == Role.DATA) {
      Map<String, ActorRef<DatasetActor.Command>> datasets = RunActors.spawnDatasets(context, prepared,
          fault -> context.getLog().warn("dataset restarted: {}", fault));
      datasets.forEach((name, ref) ->
          context.getSystem().receptionist().tell(Receptionist.register(RunKeys.dataset(runId, name), ref)));
    } else {
      RunSettings settings = prepared.settings();
      // As the evaluator of a one-JVM run is built (RunActors.evaluatorBehavior), when first needed.
      context.spawn(EvaluatorMember.create(runId, () -> ModelRewards.create(settings.mix().plan().evaluator(),
          settings.evaluatorDevice(), settings.evaluatorThreads(), prepared.modelConfig(), settings.lora(),
          ModelInputs.padIdOf(prepared.encoder().tokenizer()), io.skillmix.learn.LrSchedule.of(settings.train())::lr)),
          "evaluator");
    }
    context.spawn(desk(runId, owner), "claims");
    Cluster.get(context.getSystem()).subscriptions().tell(Subscribe.create(
        context.messageAdapter(ClusterEvent.MemberEvent.class, MemberChanged::new), ClusterEvent.MemberEvent.class));
    return Behaviors.receive(Command.class)
        .onMessage(MemberChanged.class, changed -> onMemberChanged(context, changed.event(), runId, owner))
        .build();
  }

  /** Serves the first learner of the run that claims this node; refuses the others while it serves. */
  private static Behavior<NodeClaim.Claim> desk(String runId, AtomicReference<NodeClaim.Claim> owner) {
    return Behaviors.setup(context -> {
      context.getSystem().receptionist().tell(Receptionist.register(RunKeys.claims(runId), context.getSelf()));
      String self = Cluster.get(context.getSystem()).selfMember().address().toString();
      return Behaviors.receive(NodeClaim.Claim.class)
          .onMessage(NodeClaim.Claim.class, claim -> {
            NodeClaim.Claim current = owner.get();
            if (current == null || current.learner().equals(claim.learner())) {
              owner.set(claim);
              context.getLog().info("serving the learner at {}", claim.learner());
              claim.replyTo().tell(new NodeClaim.Granted(self));
            } else {
              context.getLog().warn("refused the learner at {}: this node serves the learner at {} of the same run"
                  + " (one learner per cluster.run-id)", claim.learner(), current.learner());
              claim.replyTo().tell(new NodeClaim.Refused(self, current.learner()));
            }
            return Behaviors.same();
          })
          .build();
    });
  }

  /**
   * The node stops when the learner it serves leaves, or, before any learner has claimed it, when a
   * learner of its run leaves (a job that ended before it got this far). A learner that was refused
   * here leaving does not stop it.
   */
  private static Behavior<Command> onMemberChanged(ActorContext<Command> context, ClusterEvent.MemberEvent event,
      String runId, AtomicReference<NodeClaim.Claim> owner) {
    boolean self = event.member().address().equals(Cluster.get(context.getSystem()).selfMember().address());
    if (!(event instanceof ClusterEvent.MemberRemoved removed)) {
      return Behaviors.same();
    }
    NodeClaim.Claim served = owner.get();
    boolean learnerOfRun = removed.member().hasRole(Role.LEARNER.key()) && NodeSystem.ofRun(removed.member(), runId);
    boolean ours = served == null ? learnerOfRun : removed.member().address().toString().equals(served.learner());
    if (ours || self) {
      context.getLog().info("the learner {} left the cluster; this node stops", removed.member().address());
      return Behaviors.stopped();
    }
    return Behaviors.same();
  }
}
