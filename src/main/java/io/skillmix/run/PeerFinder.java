package io.skillmix.run;

import com.typesafe.config.Config;
import io.skillmix.data.DatasetActor;
import io.skillmix.mix.MixtureScorer;
import java.util.Map;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;

/**
 * How a learner node finds the actors of its run on other nodes (the cluster package implements
 * it: {@code io.skillmix.node.ClusterPeers}). The run spawns the finder's behaviour and
 * waits for its one answer; everything else about a run is the same on one JVM or many.
 */
public interface PeerFinder {

  /**
   * The actors of a run that live on other nodes.
   *
   * @param datasets every dataset actor of the run, by name
   * @param evaluator makes the local stand-in for the remote reward evaluator, given the run's
   *     scorer; null for a fixed mixture
   */
  record Peers(Map<String, ActorRef<DatasetActor.Command>> datasets,
      Function<ActorRef<MixtureScorer.Command>, Behavior<Object>> evaluator) {}

  /** The finder's answer: the peers, or why the run cannot start (one line). */
  sealed interface Answer {}

  record Found(Peers peers) implements Answer {}

  record NotFound(RuntimeException error) implements Answer {}

  /**
   * A behaviour that looks for the peers of {@code prepared}'s run and answers {@code replyTo} once;
   * {@code failNow} ends the run at once from outside an actor (the cluster refused this node while
   * it is shutting down); {@code requestStop} asks the run to checkpoint and stop (a serving node of
   * the run is stopping), as a signal to this JVM does.
   */
  Behavior<?> find(RunPreparation.Prepared prepared, Config config, ActorRef<Answer> replyTo,
      java.util.function.Consumer<RuntimeException> failNow, Runnable requestStop);
}
