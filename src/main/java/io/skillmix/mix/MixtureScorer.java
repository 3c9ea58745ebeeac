package io.skillmix.mix;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.skillmix.CrossNode;
import io.skillmix.UserError;
import io.skillmix.checkpoint.CheckpointState;
import io.skillmix.checkpoint.ComponentState;
import io.skillmix.checkpoint.StateJson;
import io.skillmix.data.DatasetActor;
import io.skillmix.metrics.MetricsSink;
import java.util.List;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Hosts the run's mixing policy ({@link MixturePolicy.Agent}): joins what the learner observed at a
 * step ({@link Observed}) with the evaluator's rewards for the snapshot of that step (when the policy
 * has evaluator work), hands the observation to the agent, puts its probabilities within the
 * guardrails, and pushes them, stamped with the step's version, to the learner and every dataset
 * actor. An observation whose inputs are not finite (a diverged model's NaN rewards or losses) is
 * skipped with its reason: the agent never sees it and the probabilities stay as they were.
 */
public final class MixtureScorer extends AbstractBehavior<MixtureScorer.Command> {

  public sealed interface Command extends CrossNode {}

  /** One reward per dataset for the snapshot taken after {@code version} steps. */
  public record Rewards(long version, double[] rewards, double evaluatorSeconds) implements Command {}

  /** The evaluator could not compute rewards for this snapshot (it has restarted its model). */
  public record RewardsFailed(long version, String reason) implements Command {}

  /**
   * The learner's side of the observation after {@code version} steps.
   *
   * @param update whether probabilities are due (else a measurement)
   * @param steps its steps since the last observation, when the policy reads training losses
   */
  public record Observed(long version, boolean update, List<MixturePolicy.StepLosses> steps) implements Command {

    public Observed {
      steps = List.copyOf(steps);
    }
  }

  /** The learner gave up on the observation of {@code version} (its deadline passed): drop what came of it. */
  public record Missed(long version) implements Command {}

  /** Who hears the new probabilities (the learner subscribes when it starts). */
  public record Subscribe(ActorRef<Update> subscriber) implements Command {}

  /** What a subscriber hears for each observation: probabilities, a measurement taken, or why there is nothing. */
  public sealed interface Update {}

  /** Probabilities computed from the observation after {@code version} steps. */
  public record Computed(long version, double[] probabilities) implements Update {}

  /** No probabilities will come for this observation: the evaluator failed, or its inputs were not finite. */
  public record NotComputed(long version, String reason) implements Update {}

  /** A measurement (no probabilities due) is in the agent's state. */
  public record Measured(long version) implements Update {}

  /** Asks for the host's part of a checkpoint (its {@link State} as JSON). */
  public record GetState(ActorRef<ComponentState> replyTo) implements Command {}

  /** Puts the agent where a checkpoint's {@link State} says. */
  public record Restore(String json) implements Command {}

  /** The policy's name and its agent's whole state. */
  public record State(String policy, JsonElement agent) {}

  /** What has arrived of one observation. */
  private static final class Pending {
    Observed observed;
    double[] rewards;
    double seconds;
    String failure;
  }

  public static Behavior<Command> create(MixturePolicy.Plan plan, String policy, MixturePolicy.Agent agent,
      Guardrails guardrails, List<ActorRef<DatasetActor.Command>> datasets, ActorRef<MetricsSink.Command> metrics) {
    return Behaviors.setup(context -> new MixtureScorer(context, plan, policy, agent, guardrails, datasets, metrics));
  }

  private final boolean needsRewards;
  private final String policy;
  private final MixturePolicy.Agent agent;
  private final Guardrails guardrails;
  private final List<String> names;
  private final List<ActorRef<DatasetActor.Command>> datasets;
  private final ActorRef<MetricsSink.Command> metrics;
  private final TreeMap<Long, Pending> pending = new TreeMap<>();
  private ActorRef<Update> learner;

  private MixtureScorer(ActorContext<Command> context, MixturePolicy.Plan plan, String policy,
      MixturePolicy.Agent agent, Guardrails guardrails, List<ActorRef<DatasetActor.Command>> datasets,
      ActorRef<MetricsSink.Command> metrics) {
    super(context);
    this.needsRewards = plan.usesEvaluator();
    this.policy = policy;
    this.agent = agent;
    this.guardrails = guardrails;
    this.names = guardrails.datasets();
    this.datasets = List.copyOf(datasets);
    this.metrics = metrics;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Subscribe.class, this::onSubscribe)
        .onMessage(Observed.class, this::onObserved)
        .onMessage(Rewards.class, this::onRewards)
        .onMessage(RewardsFailed.class, this::onRewardsFailed)
        .onMessage(Missed.class, this::onMissed)
        .onMessage(GetState.class, this::onGetState)
        .onMessage(Restore.class, this::onRestore)
        .build();
  }

  private Behavior<Command> onSubscribe(Subscribe subscribe) {
    learner = subscribe.subscriber();
    return this;
  }

  private Behavior<Command> onObserved(Observed observed) {
    pending.computeIfAbsent(observed.version(), v -> new Pending()).observed = observed;
    return complete(observed.version());
  }

  private Behavior<Command> onRewards(Rewards rewards) {
    Pending p = pending.computeIfAbsent(rewards.version(), v -> new Pending());
    p.rewards = rewards.rewards().clone();
    p.seconds = rewards.evaluatorSeconds();
    return complete(rewards.version());
  }

  private Behavior<Command> onRewardsFailed(RewardsFailed failed) {
    pending.computeIfAbsent(failed.version(), v -> new Pending()).failure =
        "the reward evaluator failed on snapshot " + failed.version() + " (" + failed.reason() + ")";
    return complete(failed.version());
  }

  private Behavior<Command> onMissed(Missed missed) {
    if (pending.remove(missed.version()) != null) {
      agent.missed(missed.version());
    }
    return this;
  }

  private Behavior<Command> onGetState(GetState request) {
    JsonElement state = JsonParser.parseString(StateJson.write(agent.exportState()));
    request.replyTo().tell(new ComponentState(CheckpointState.SCORER, StateJson.write(new State(policy, state))));
    return this;
  }

  private Behavior<Command> onRestore(Restore restore) {
    agent.importState(agentState(restore.json()));
    return this;
  }

  /**
   * The agent's part of a checkpoint's scorer component. Checkpoints from before policies were
   * plugins hold the MoS scorer's state alone (no {@code policy} field): that is the agent's.
   */
  public static String agentState(String json) {
    JsonObject object = StateJson.read(json, JsonObject.class, "the mixing policy");
    return object.has("policy") && object.has("agent") ? object.get("agent").toString() : json;
  }

  /** The policy a checkpoint's scorer component was written by, or null for one from before policies were plugins. */
  public static String policyOf(String json) {
    JsonObject object = StateJson.read(json, JsonObject.class, "the mixing policy");
    return object.has("policy") ? object.get("policy").getAsString() : null;
  }

  /** Hands an observation to the agent once all its parts are in; answers the learner. */
  private Behavior<Command> complete(long version) {
    Pending p = pending.get(version);
    if (p == null || p.observed == null || needsRewards && p.rewards == null && p.failure == null) {
      return this;
    }
    pending.remove(version);
    boolean update = p.observed.update();
    String unusable = p.failure != null ? p.failure : notFinite(version, p);
    if (unusable != null) {
      agent.missed(version);
      answer(new NotComputed(version, unusable));
      return this;
    }
    MixturePolicy.Update result = agent.observe(new MixturePolicy.Observation(version, update, p.observed.steps(),
        needsRewards ? p.rewards : null));
    if (!update) {
      answer(new Measured(version));
      return this;
    }
    if (result == null) {
      answer(new NotComputed(version, "the " + policy + " policy made no update from observation " + version
          + " (a measurement it needed was missed)"));
      return this;
    }
    double[] probabilities = guardrails.apply(result.probabilities());
    if (probabilities != result.probabilities()) {
      metrics.tell(new MetricsSink.Note(version, "guardrails", guardrails.describeBinding(result.probabilities(),
          probabilities)));
    }
    metrics.tell(new MetricsSink.RewardsComputed(version, result.rewards().clone(), result.smoothed().clone(),
        probabilities.clone(), p.seconds));
    for (int i = 0; i < datasets.size(); i++) {
      datasets.get(i).tell(new DatasetActor.SetProbability(probabilities[i]));
    }
    answer(new Computed(version, probabilities));
    return this;
  }

  /** Why the observation's inputs cannot be used (a non-finite reward or training loss), or null. */
  private String notFinite(long version, Pending p) {
    if (p.rewards != null) {
      StringBuilder bad = new StringBuilder();
      for (int i = 0; i < p.rewards.length; i++) {
        if (!Double.isFinite(p.rewards[i])) {
          bad.append(bad.length() == 0 ? "" : ", ").append(names.get(i)).append(' ').append(p.rewards[i]);
        }
      }
      if (bad.length() > 0) {
        return "the rewards of snapshot " + version + " are not finite (" + bad + "): the model has diverged"
            + " or its outputs overflow";
      }
    }
    for (MixturePolicy.StepLosses step : p.observed.steps()) {
      if (!Double.isFinite(step.loss())) {
        return "the training loss of step " + step.step() + " is not finite (" + step.loss()
            + ")";
      }
    }
    return null;
  }

  private void answer(Update update) {
    if (learner != null) {
      learner.tell(update);
    }
  }

  /** Refuses a checkpoint written by another policy than {@code policy}, in one line. */
  public static void checkPolicy(String json, String policy, String checkpoint) {
    String saved = policyOf(json);
    boolean legacyFits = saved == null && List.of("mos", "multidds", "multiuat").contains(policy);
    if (!(policy.equals(saved) || legacyFits)) {
      throw new UserError(checkpoint + ": the checkpoint was written by mix.method = "
          + (saved == null ? "mos, multidds or multiuat" : saved) + " but this configuration has mix.method = "
          + policy + "; resume with the run's own mix.method");
    }
  }
}
