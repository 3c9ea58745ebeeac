package io.skillmix.cluster;

import io.skillmix.CrossNode;
import io.skillmix.data.DatasetActor;
import io.skillmix.mix.MixtureScorer;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * The protocol between a learner node and the host of an evaluator node: the learner sends
 * {@link Start} with its scorer and the run's dataset actors; the host answers {@link Ready} with
 * the receiver that pulls the parameter snapshots ({@link RemoteEvaluator}).
 */
public final class EvaluatorHost {

  private EvaluatorHost() {}

  /** The key the evaluator host of run {@code runId} registers under with the cluster receptionist. */
  public static ServiceKey<Command> key(String runId) {
    return ServiceKey.create(Command.class, "skillmix-" + runId + "-evaluator");
  }

  /** The receptionist key of dataset {@code name} of run {@code runId} ({@code cluster.run-id}). */
  public static ServiceKey<DatasetActor.Command> datasetKey(String runId, String name) {
    return ServiceKey.create(DatasetActor.Command.class, "skillmix-" + runId + "-dataset-" + name);
  }

  public sealed interface Command extends CrossNode {}

  /** Start an evaluator for the learner's run: rewards go to {@code scorer}. */
  public record Start(ActorRef<MixtureScorer.Command> scorer, Map<String, ActorRef<DatasetActor.Command>> datasets,
      ActorRef<Ready> replyTo) implements Command {}

  /** The evaluator is up: offer the snapshots to {@code receiver}. */
  public record Ready(ActorRef<RemoteEvaluator.Command> receiver) implements CrossNode {}
}
