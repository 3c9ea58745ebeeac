package io.skillmix.cluster;

import io.skillmix.CrossNode;
import io.skillmix.mix.MixtureScorer;
import io.skillmix.mix.RewardEvaluator;
import io.skillmix.model.ParameterSnapshot;
import java.util.ArrayDeque;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A reward evaluator on another node. On the learner's node a stand-in (the run's
 * {@code EvaluatorLink}) turns each {@link RewardEvaluator.Reference} / {@link RewardEvaluator.Evaluate}
 * into an {@link Offered} {@link SnapshotOffer} (chunks through a stream ref, never one Artery
 * frame); on the evaluator's node {@link #receiver} pulls each offer and hands the snapshots to the
 * real evaluator in the order they were offered, so rewards come out as in one JVM.
 */
public final class RemoteEvaluator {

  private RemoteEvaluator() {}

  /** What the evaluator node's receiver hears. */
  public sealed interface Command extends CrossNode {}

  /** A snapshot to pull: the starting weights θ0 ({@code reference}) or parameters to evaluate. */
  public record Offered(boolean reference, SnapshotOffer offer) implements Command {}

  /** The learner gave up on snapshot {@code version}: the evaluator abandons it ({@link RewardEvaluator.Abandon}). */
  public record Abandon(long version) implements Command {}

  private record Pulled(Pending pending, ParameterSnapshot snapshot, Throwable error) implements Command {}

  /** An offer being pulled, in arrival order. */
  private static final class Pending {
    final Offered offered;
    ParameterSnapshot snapshot;
    Throwable error;
    boolean done;

    Pending(Offered offered) {
      this.offered = offered;
    }
  }

  /**
   * On the evaluator's node: pulls each offer at once (the stream ref must be pulled within its
   * subscription timeout) and delivers the snapshots to {@code evaluator} in offer order. A transfer
   * that fails costs that snapshot's update only: the scorer hears {@link MixtureScorer.RewardsFailed}.
   */
  public static Behavior<Command> receiver(ActorRef<RewardEvaluator.Command> evaluator,
      ActorRef<MixtureScorer.Command> scorer) {
    return Behaviors.setup(context -> {
      ArrayDeque<Pending> pending = new ArrayDeque<>();
      return Behaviors.receive(Command.class)
          .onMessage(Offered.class, offered -> onOffered(context, pending, offered))
          .onMessage(Pulled.class, pulled -> onPulled(context, pending, pulled, evaluator, scorer))
          .onMessage(Abandon.class, abandon -> {
            evaluator.tell(new RewardEvaluator.Abandon(abandon.version()));
            return Behaviors.same();
          })
          .build();
    });
  }

  private static Behavior<Command> onOffered(ActorContext<Command> context, ArrayDeque<Pending> pending,
      Offered offered) {
    Pending next = new Pending(offered);
    pending.add(next);
    context.pipeToSelf(SnapshotTransfer.receive(offered.offer(), context.getSystem()),
        (snapshot, error) -> new Pulled(next, snapshot, error));
    return Behaviors.same();
  }

  private static Behavior<Command> onPulled(ActorContext<Command> context, ArrayDeque<Pending> pending,
      Pulled pulled, ActorRef<RewardEvaluator.Command> evaluator, ActorRef<MixtureScorer.Command> scorer) {
    pulled.pending().snapshot = pulled.snapshot();
    pulled.pending().error = pulled.error();
    pulled.pending().done = true;
    while (!pending.isEmpty() && pending.peek().done) {
      Pending head = pending.poll();
      long version = head.offered.offer().version();
      if (head.error != null) {
        context.getLog().error("snapshot {} did not arrive: {}", version, head.error.toString());
        if (!head.offered.reference()) {
          scorer.tell(new MixtureScorer.RewardsFailed(version, "snapshot transfer failed: " + head.error));
        }
      } else if (head.offered.reference()) {
        evaluator.tell(new RewardEvaluator.Reference(head.snapshot));
      } else {
        evaluator.tell(new RewardEvaluator.Evaluate(head.snapshot));
      }
    }
    return Behaviors.same();
  }
}
