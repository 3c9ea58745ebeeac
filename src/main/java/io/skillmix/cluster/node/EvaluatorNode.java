package io.skillmix.cluster.node;

import io.skillmix.cluster.EvaluatorHost;
import io.skillmix.run.RunPreparation;
import io.skillmix.run.RunActors;
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

/**
 * The reward evaluator on a node of its own (role {@code evaluator}). The node registers a host
 * under its run's {@link EvaluatorHost#key}; a learner node of that run sends it {@link EvaluatorHost.Start} with its scorer
 * and the run's dataset actors, and the host spawns a {@link RewardEvaluator} with its reward model on this node's
 * device, plus a {@link RemoteEvaluator#receiver} that pulls the snapshots. The
 * {@link MixtureScorer} stays on the learner node: it is small, and it is part of the learner's
 * checkpoints. On the learner node, {@link EvaluatorLink} talks to it.
 */
public final class EvaluatorNode {

  private EvaluatorNode() {}

  /** On the evaluator node: registers with the receptionist and starts an evaluator per {@link EvaluatorHost.Start}. */
  static Behavior<EvaluatorHost.Command> host(RunPreparation.Prepared prepared, String runId) {
    return Behaviors.setup(context -> {
      context.getSystem().receptionist().tell(Receptionist.register(EvaluatorHost.key(runId), context.getSelf()));
      int[] started = {0};
      return Behaviors.receive(EvaluatorHost.Command.class)
          .onMessage(EvaluatorHost.Start.class, start -> onStart(context, prepared, start, ++started[0]))
          .build();
    });
  }

  private static Behavior<EvaluatorHost.Command> onStart(ActorContext<EvaluatorHost.Command> context, RunPreparation.Prepared prepared,
      EvaluatorHost.Start start, int count) {
    ActorRef<RewardEvaluator.Command> evaluator = context.spawn(
        RunActors.evaluatorBehavior(prepared, start.datasets(), start.scorer()), "evaluator-" + count,
        DispatcherSelector.fromConfig(RunActors.PINNED));
    ActorRef<RemoteEvaluator.Command> receiver =
        context.spawn(RemoteEvaluator.receiver(evaluator, start.scorer()), "receiver-" + count);
    start.replyTo().tell(new EvaluatorHost.Ready(receiver));
    return Behaviors.same();
  }
}
