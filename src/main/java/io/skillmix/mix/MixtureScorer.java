package io.skillmix.mix;

import io.skillmix.CrossNode;
import io.skillmix.data.DatasetActor;
import io.skillmix.checkpoint.CheckpointState;
import io.skillmix.checkpoint.ComponentState;
import io.skillmix.checkpoint.StateJson;
import io.skillmix.metrics.MetricsSink;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The RL agent of Mixture-of-Skills: owns the scorer ψ, its optimizer and the reward EMA. On each
 * set of rewards it smooths them, updates ψ, and pushes the new probabilities, stamped with the
 * snapshot's version, to the learner and to every dataset actor.
 */
public final class MixtureScorer extends AbstractBehavior<MixtureScorer.Command> {

  public sealed interface Command extends CrossNode {}

  /** One reward per dataset for the snapshot taken after {@code version} steps. */
  public record Rewards(long version, double[] rewards, double evaluatorSeconds) implements Command {}

  /** The evaluator could not compute rewards for this snapshot (it has restarted its model). */
  public record RewardsFailed(long version, String reason) implements Command {}

  /** Who hears the new probabilities (the learner subscribes when it starts). */
  public record Subscribe(ActorRef<Update> subscriber) implements Command {}

  /** What a subscriber hears for each snapshot: its probabilities, or why there are none. */
  public sealed interface Update {}

  /** Probabilities computed from the snapshot taken after {@code version} steps. */
  public record Computed(long version, double[] probabilities) implements Update {}

  /** No probabilities will come for this snapshot: the evaluator failed on it. */
  public record NotComputed(long version, String reason) implements Update {}

  /** Asks for the scorer's part of a checkpoint (its {@link State} as JSON). */
  public record GetState(ActorRef<ComponentState> replyTo) implements Command {}

  /** Puts ψ, its optimizer and RNG, and the EMA where a checkpoint's {@link State} says. */
  public record Restore(String json) implements Command {}

  /** ψ with its optimizer and RNG, and the reward EMA: all the scorer's state. */
  public record State(Scorer.State scorer, double[] ema) {}

  /** @param updateSteps Adam steps on ψ per set of rewards (200 in the paper) */
  public record Settings(int updateSteps, Scorer.UpdateRule rule) {}

  public static Behavior<Command> create(Settings settings, Scorer scorer, RewardEma ema,
      List<ActorRef<DatasetActor.Command>> datasets, ActorRef<MetricsSink.Command> metrics) {
    return Behaviors.setup(context -> new MixtureScorer(context, settings, scorer, ema, datasets, metrics));
  }

  private final Settings settings;
  private final Scorer scorer;
  private final RewardEma ema;
  private final List<ActorRef<DatasetActor.Command>> datasets;
  private final ActorRef<MetricsSink.Command> metrics;
  private ActorRef<Update> learner;

  private MixtureScorer(ActorContext<Command> context, Settings settings, Scorer scorer, RewardEma ema,
      List<ActorRef<DatasetActor.Command>> datasets, ActorRef<MetricsSink.Command> metrics) {
    super(context);
    this.settings = settings;
    this.scorer = scorer;
    this.ema = ema;
    this.datasets = List.copyOf(datasets);
    this.metrics = metrics;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Subscribe.class, this::onSubscribe)
        .onMessage(Rewards.class, this::onRewards)
        .onMessage(GetState.class, this::onGetState)
        .onMessage(Restore.class, this::onRestore)
        .onMessage(RewardsFailed.class, this::onRewardsFailed)
        .build();
  }

  private Behavior<Command> onSubscribe(Subscribe subscribe) {
    learner = subscribe.subscriber();
    return this;
  }

  private Behavior<Command> onRewardsFailed(RewardsFailed failed) {
    if (learner != null) {
      learner.tell(new NotComputed(failed.version(), failed.reason()));
    }
    return this;
  }

  private Behavior<Command> onGetState(GetState request) {
    request.replyTo().tell(new ComponentState(CheckpointState.SCORER,
        StateJson.write(new State(scorer.exportState(), ema.exportState()))));
    return this;
  }

  private Behavior<Command> onRestore(Restore restore) {
    State state = StateJson.read(restore.json(), State.class, "the scorer");
    scorer.importState(state.scorer());
    ema.importState(state.ema());
    return this;
  }

  private Behavior<Command> onRewards(Rewards rewards) {
    double[] smoothed = ema.update(rewards.rewards());
    scorer.update(settings.rule(), smoothed, settings.updateSteps());
    double[] probabilities = scorer.probabilities();
    metrics.tell(new MetricsSink.RewardsComputed(rewards.version(), rewards.rewards().clone(),
        smoothed.clone(), probabilities.clone(), rewards.evaluatorSeconds()));
    for (int i = 0; i < datasets.size(); i++) {
      datasets.get(i).tell(new DatasetActor.SetProbability(probabilities[i]));
    }
    if (learner != null) {
      learner.tell(new Computed(rewards.version(), probabilities));
    }
    return this;
  }
}
