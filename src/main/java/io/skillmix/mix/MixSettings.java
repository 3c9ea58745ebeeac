package io.skillmix.mix;

import io.skillmix.UserError;
import io.skillmix.config.ConfigSection;
import java.time.Duration;
import java.util.List;

/**
 * The mixture part of a run's settings: the policy ({@code mix.method}) with its checked plan, and
 * the keys every policy shares: when probabilities take effect, the update deadline and how a batch
 * is composed. Each policy reads its own keys ({@code mix.<name>.*}) through its plan.
 *
 * @param lagSteps L of lagged apply, resolved (never -1; 0 for sync)
 * @param batchMixing {@code mix.batch-mixing}: a dataset drawn per example or per step
 * @param guardrails {@code mix.min-probability} and {@code mix.max-probability}
 */
public record MixSettings(MixturePolicy policy, MixturePolicy.Plan plan, ApplyMode apply, int lagSteps,
    Duration updateTimeout, BatchMixing batchMixing, Guardrails guardrails) {

  /**
   * Reads {@code mix.*}.
   *
   * @param mix the config's {@code mix} subtree
   * @param datasets the run's dataset names
   * @param builtin whether the run trains on the built-in skill mix
   */
  public static MixSettings read(ConfigSection mix, List<String> datasets, boolean builtin, long seed) {
    MixturePolicy policy = MixturePolicies.parse(mix.key("method"), mix.string("method"));
    if (!mix.isAuto("update-every")) {
      try {
        mix.positiveInt("update-every"); // refused for every policy, also one that never reads it
      } catch (UserError e) {
        throw new UserError(e.getMessage() + "; use a positive whole number or auto");
      }
    }
    String specialist = mix.has("mos.specialist") ? mix.string("mos.specialist") : "";
    if (!specialist.isEmpty() && !policy.name().equals("mos")) {
      // MoSpec is a mos objective; set for another method it would be silently ignored.
      throw new UserError(mix.key("mos.specialist") + " = '" + specialist + "' is MoSpec's target and needs"
          + " mix.method = mos, not " + policy.name() + "; to train on that dataset alone set data.only = ["
          + specialist + "]");
    }
    MixturePolicy.Plan plan = policy.plan(new MixturePolicy.Setup(mix, datasets, builtin, seed));
    ApplyMode apply = ApplyMode.parse(mix.string("apply"));
    int every = plan.updateEvery();
    long lag = mix.whole("lag-steps");
    if (lag == -1) {
      lag = every / 2;
    }
    if (policy.learned() && (lag < 0 || lag > every)) {
      throw new UserError(mix.key("lag-steps") + " = " + lag + " must be between 0 and mix.update-every ("
          + every + ")");
    }
    if (apply == ApplyMode.SYNC || !policy.learned()) {
      lag = 0; // sync waits at the snapshot's own step: lag 0, whatever lag-steps (default half of S) says
    }
    return new MixSettings(policy, plan, apply, (int) lag, durationOf(mix), BatchMixing.parse(mix.string("batch-mixing")),
        Guardrails.read(mix, datasets));
  }

  private static Duration durationOf(ConfigSection mix) {
    Duration d = mix.duration("update-timeout");
    if (d.isZero() || d.isNegative()) {
      throw new UserError(mix.key("update-timeout") + " = " + mix.rendered("update-timeout")
          + " must be positive, such as 10m: how long the learner waits for one reward evaluation");
    }
    return d;
  }

  /** Its value of {@code mix.method}. */
  public String method() {
    return policy.name();
  }

  /** Whether probabilities are learned during training (the others are fixed priors). */
  public boolean learned() {
    return policy.learned();
  }

  /** The probabilities a run starts from: the agent's prior put within the guardrails. */
  public double[] start(MixturePolicy.Agent agent) {
    return guardrails.apply(agent.probabilities());
  }

  /** The probabilities a run on datasets of these sizes starts from (a fresh agent's prior, within the guardrails). */
  public double[] startProbabilities(long[] sizes) {
    return start(plan.start(sizes));
  }

  /** S: learner steps between updates (0 for a static mixture). */
  public int updateEvery() {
    return plan.updateEvery();
  }
}
