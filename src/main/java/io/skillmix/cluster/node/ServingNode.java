package io.skillmix.cluster.node;

import io.skillmix.cluster.EvaluatorHost;
import io.skillmix.run.RunPreparation;
import io.skillmix.run.RunSettings;
import io.skillmix.run.RunActors;
import com.typesafe.config.Config;
import io.skillmix.UserError;
import io.skillmix.cluster.NodeSystem;
import io.skillmix.cluster.Role;
import io.skillmix.cluster.RunId;
import io.skillmix.data.DatasetActor;
import java.util.Map;
import java.util.concurrent.ExecutionException;
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
 * registered with the receptionist under {@link DataNode#key}) or {@code evaluator} (the
 * {@link EvaluatorNode} host), both under its run's id. It serves until a learner of its run that
 * joined the cluster has left it (or was removed as unreachable), then stops. A node that the seed
 * nodes refuse (they belong to another run) ends with one line.
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
    RunPreparation.Prepared prepared = RunPreparation.parts(RunSettings.from(config));
    ActorSystem<Command> system = NodeSystem.create(
        Behaviors.setup(context -> start(context, role, prepared, runId)), config);
    try {
      system.getWhenTerminated().toCompletableFuture().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      system.terminate();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
    NodeSystem.refusedJoin(system).ifPresent(error -> {
      throw error;
    });
  }

  private static Behavior<Command> start(ActorContext<Command> context, Role role, RunPreparation.Prepared prepared,
      String runId) {
    if (role == Role.DATA) {
      Map<String, ActorRef<DatasetActor.Command>> datasets = RunActors.spawnDatasets(context, prepared,
          fault -> context.getLog().warn("dataset restarted: {}", fault));
      datasets.forEach((name, ref) ->
          context.getSystem().receptionist().tell(Receptionist.register(EvaluatorHost.datasetKey(runId, name), ref)));
    } else {
      context.spawn(EvaluatorNode.host(prepared, runId), "evaluator-host");
    }
    Cluster.get(context.getSystem()).subscriptions().tell(Subscribe.create(
        context.messageAdapter(ClusterEvent.MemberEvent.class, MemberChanged::new), ClusterEvent.MemberEvent.class));
    return Behaviors.receive(Command.class)
        .onMessage(MemberChanged.class, changed -> onMemberChanged(context, changed.event(), runId))
        .build();
  }

  /** A learner of another run (one that joined without the run-id check) leaving does not stop this node. */
  private static Behavior<Command> onMemberChanged(ActorContext<Command> context, ClusterEvent.MemberEvent event,
      String runId) {
    boolean self = event.member().address().equals(Cluster.get(context.getSystem()).selfMember().address());
    if (event instanceof ClusterEvent.MemberRemoved removed
        && ((removed.member().hasRole(Role.LEARNER.key()) && NodeSystem.ofRun(removed.member(), runId)) || self)) {
      context.getLog().info("the learner {} left the cluster; this node stops", removed.member().address());
      return Behaviors.stopped();
    }
    return Behaviors.same();
  }
}
