package io.skillmix.run;

import io.skillmix.CrossNode;
import io.skillmix.cluster.RemoteEvaluator;
import io.skillmix.data.DatasetActor;
import io.skillmix.mix.MixtureScorer;
import io.skillmix.mix.RewardEvaluator;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * The reward evaluator on a node of its own (role {@code evaluator}). The node registers a host
 * under its run's {@link #key}; a learner node of that run sends it {@link Start} with its scorer
 * and the run's dataset actors, and the host spawns a {@link RewardEvaluator} with its reward model on this node's
 * device, plus a {@link RemoteEvaluator#receiver} that pulls the snapshots. The
 * {@link MixtureScorer} stays on the learner node: it is small, and it is part of the learner's
 * checkpoints. On the learner node, {@link EvaluatorLink} talks to it.
 */
public final class EvaluatorNode {

  private EvaluatorNode() {}

  /** The key the evaluator node's host of run {@code runId} registers under with the cluster receptionist. */
  public static ServiceKey<Command> key(String runId) {
    return ServiceKey.create(Command.class, "skillmix-" + runId + "-evaluator");
  }

  public sealed interface Command extends CrossNode {}

  /** Start an evaluator for the learner's run: rewards go to {@code scorer}. */
  public record Start(ActorRef<MixtureScorer.Command> scorer, Map<String, ActorRef<DatasetActor.Command>> datasets,
      ActorRef<Ready> replyTo) implements Command {}

  /** The evaluator is up: offer the snapshots to {@code receiver}. */
  public record Ready(ActorRef<RemoteEvaluator.Command> receiver) implements CrossNode {}

  /** On the evaluator node: registers with the receptionist and starts an evaluator per {@link Start}. */
  static Behavior<Command> host(RunPreparation.Prepared prepared, String runId) {
    return Behaviors.setup(context -> {
      context.getSystem().receptionist().tell(Receptionist.register(key(runId), context.getSelf()));
      int[] started = {0};
      return Behaviors.receive(Command.class)
          .onMessage(Start.class, start -> onStart(context, prepared, start, ++started[0]))
          .build();
    });
  }

  private static Behavior<Command> onStart(ActorContext<Command> context, RunPreparation.Prepared prepared,
      Start start, int count) {
    ActorRef<RewardEvaluator.Command> evaluator = context.spawn(
        TrainingRun.evaluatorBehavior(prepared, start.datasets(), start.scorer()), "evaluator-" + count,
        DispatcherSelector.fromConfig(TrainingRun.PINNED));
    ActorRef<RemoteEvaluator.Command> receiver =
        context.spawn(RemoteEvaluator.receiver(evaluator, start.scorer()), "receiver-" + count);
    start.replyTo().tell(new Ready(receiver));
    return Behaviors.same();
  }
}
