package io.skillmix.mix;

import io.skillmix.UserError;
import io.skillmix.config.ConfigSection;
import java.util.List;

/**
 * A way of choosing the mixture: a static prior or an online mixer. A policy is registered by one
 * line naming its class in {@code META-INF/services/io.skillmix.mix.MixturePolicy} and is then a
 * value of {@code mix.method} and a {@code compare} arm; it reads its own settings,
 * {@code mix.<name>.*} (documented in reference.conf). {@link MixturePolicies} holds the registry;
 * a registered class needs a public no-argument constructor.
 *
 * <p>The run asks a policy for a {@link Plan} when it reads its settings (so a bad value is refused
 * before anything starts): what it needs, and when ({@link PolicyTiming}). At each observation point
 * the learner sends an {@link Observation} (its per-dataset training losses of the steps since the
 * last one, if the policy reads them); if the plan has {@link Plan#evaluator() evaluator work}, the
 * reward evaluator computes on a parameter snapshot of the same step and its rewards join the
 * observation. The plan's {@link Agent}, hosted by {@link MixtureScorer}, turns each observation into
 * new probabilities and saves and restores its whole state, so a run resumes exactly.
 */
public interface MixturePolicy {

  /** Its value of {@code mix.method}: lower case, no spaces. */
  String name();

  /** Whether it learns the mixture while training; a static one keeps its prior. */
  default boolean learned() {
    return true;
  }

  /**
   * Its named variants, each a built-in {@code compare} arm {@code <name>-<variant>}: the variant's
   * name → its {@code key=value} override of the policy's own subtree (relative: {@code rule=exp3}
   * is {@code mix.<name>.rule=exp3}).
   */
  default java.util.Map<String, String> variants() {
    return java.util.Map.of();
  }

  /** Reads and checks its settings; a bad value is a UserError naming the key. Cheap: nothing runs yet. */
  Plan plan(Setup setup);

  /**
   * What a policy is configured from.
   *
   * @param mix the config's {@code mix} subtree: a policy reads {@code mix.<name>} ({@link #own}) and
   *     any shared subtree it documents ({@code mix.scorer})
   * @param datasets the run's dataset names, in order
   * @param builtin whether the run trains on the built-in skill mix
   * @param seed the run's seed
   */
  record Setup(ConfigSection mix, List<String> datasets, boolean builtin, long seed) {

    public Setup {
      datasets = List.copyOf(datasets);
    }

    /** The policy's own subtree, {@code mix.<name>}. */
    public ConfigSection own(MixturePolicy policy) {
      return mix.section(policy.name());
    }

    /**
     * S, learner steps between updates: {@code mix.update-every}, or when it is auto the policy's
     * own default {@code auto}.
     */
    public int updateEvery(int auto) {
      return mix.isAuto("update-every") ? auto : mix.positiveInt("update-every");
    }

    /**
     * The MoS paper's and official code's S for {@code auto}: 100 on the user's datasets,
     * {@code mix.builtin-update-every} on the built-in mix (sized there to make as many updates as
     * the paper's runs).
     */
    public int paperUpdateEvery() {
      return builtin ? mix.positiveInt("builtin-update-every") : 100;
    }

    /** The index of dataset {@code name}, or a UserError naming {@code key} and the datasets. */
    public int datasetIndex(String key, String name) {
      int i = datasets.indexOf(name);
      if (i < 0) {
        throw new UserError(key + " = '" + name + "' is not a dataset of this run; use one of "
            + String.join(", ", datasets));
      }
      return i;
    }
  }

  /** One run's configured policy: what it needs, when it acts, and the agent that decides. */
  interface Plan extends PolicyTiming {

    /** S: steps between updates (a round for Aioli); {@code mix.lag-steps} defaults to half of it. */
    int updateEvery();

    /** What the reward evaluator computes on each snapshot the learner sends; null: no evaluator. */
    default EvaluatorWork evaluator() {
      return null;
    }

    @Override
    default boolean usesEvaluator() {
      return evaluator() != null;
    }

    /** One line for the run's report: the method and its settings that matter. */
    String describe();

    /** A fresh agent for datasets of these sizes (training examples), at its prior. */
    Agent start(long[] sizes);

    /** Refuses, as a UserError, a checkpoint's agent state that this plan cannot continue. */
    default void checkResumable(String agentState, String checkpoint) {}
  }

  /** The deciding part of a policy in one run: stateful, hosted by {@link MixtureScorer}. */
  interface Agent {

    /** The probabilities it holds now (its prior at the start), a fresh array. */
    double[] probabilities();

    /** Its answer to one observation: new probabilities at an update point; null for a measurement. */
    Update observe(Observation observation);

    /** The observation of {@code version} will not come (the evaluator failed, or the learner gave up on it). */
    default void missed(long version) {}

    /** Its whole state, as a value {@link io.skillmix.checkpoint.StateJson} writes. */
    Object exportState();

    /** Back to a state {@link #exportState} gave, as JSON. */
    void importState(String json);
  }

  /**
   * What the learner and the evaluator saw at one observation point.
   *
   * @param version learner steps done when it was taken
   * @param update whether an answer with probabilities is due ({@link PolicyTiming.Point#UPDATE})
   * @param steps the learner's steps since the last observation, when the policy reads training losses
   * @param rewards one per dataset from the evaluator, or null when the plan has no evaluator work
   */
  record Observation(long version, boolean update, List<StepLosses> steps, double[] rewards) {

    public Observation {
      steps = steps == null ? List.of() : List.copyOf(steps);
    }
  }

  /**
   * One learner step as a policy may read it.
   *
   * @param step its number, counted from 0 (step t + 1 is ODM's global step t)
   * @param losses per dataset, the token-weighted mean training loss of its examples in the step;
   *     NaN for a dataset not drawn
   * @param loss the step's loss
   * @param gradNorm the step's gradient norm (before clipping)
   * @param lastDataset the dataset of the step's last example (the arm "drawn last")
   */
  record StepLosses(long step, double[] losses, double loss, double gradNorm, int lastDataset) {}

  /**
   * An update: what it learned from and the probabilities it gives.
   *
   * @param rewards what it was given, per dataset (the evaluator's rewards, or training losses)
   * @param smoothed what it made of them (an EMA, a cumulative estimate, a column sum)
   */
  record Update(double[] rewards, double[] smoothed, double[] probabilities) {}
}
