package io.skillmix.mix;

import io.skillmix.data.DatasetActor;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelInputs;
import java.util.List;

/**
 * One reward R_i per dataset (MoS §3.2): which streams it reads, whether it needs the frozen start
 * θ0, and how it computes on the evaluator's replica of θ. One class per reward; a reward is
 * registered by one line naming its class in {@code META-INF/services/io.skillmix.mix.Reward}, and
 * is then a value of {@code mix.mos.reward} (and a {@code mos-NAME} arm of {@code compare}); its settings,
 * if any, are its own subtree {@code mix.<name>.*}, documented in reference.conf.
 * {@link Rewards} holds the registry. A registered class needs a public no-argument constructor.
 */
public interface Reward {

  /** Examples per forward pass when a reward scores its batches. */
  int FORWARD_BATCH = 16;

  /** Its value of {@code mix.reward}: lower case, no spaces. */
  String name();

  /** The streams it reads: REWARD (training examples), HELD_OUT, or both. */
  List<DatasetActor.StreamKind> streams();

  /** Whether it compares θ with the frozen starting weights θ0 (a second model on the device). */
  default boolean usesStart() {
    return false;
  }

  /** Examples per dataset per evaluation when its subtree sets no {@code batch-size}. */
  default int defaultBatchSize() {
    return 16; // the official code's size for every reward but CosSim
  }

  /**
   * A computation of this reward for one run. It reads and checks its own settings here (from
   * {@link Context#settings()}, its subtree {@code mix.<name>}), so a bad value is refused when the
   * run's settings are read, before anything starts; it must stay cheap, as it is also called then.
   */
  Computation start(Context context);

  /**
   * What a computation may use beyond its batches.
   *
   * @param settings the reward's own config subtree, {@code mix.<name>} (a reward a policy builds for
   *     itself takes its settings from the policy instead)
   * @param specialist index of the MoSpec target dataset, or -1
   * @param seed seeds whatever the reward draws (dropout masks), so rewards repeat for a seed
   */
  record Context(io.skillmix.config.ConfigSection settings, int specialist, long seed) {

    /** With the documented defaults of {@code reward}'s subtree (reference.conf): for tests and tools. */
    public static Context defaults(Reward reward, int specialist, long seed) {
      return new Context(new io.skillmix.config.ConfigSection(com.typesafe.config.ConfigFactory.defaultReference(),
          "mix." + reward.name()), specialist, seed);
    }

    /** With {@code overrides} ({@code key=value}, keys relative to the reward's subtree) on the defaults. */
    public static Context with(Reward reward, int specialist, long seed, String... overrides) {
      com.typesafe.config.Config c = com.typesafe.config.ConfigFactory.defaultReference();
      for (String o : overrides) {
        c = com.typesafe.config.ConfigFactory.parseString("mix." + reward.name() + "." + o).withFallback(c);
      }
      return new Context(new io.skillmix.config.ConfigSection(c.resolve(), "mix." + reward.name()), specialist, seed);
    }
  }

  /**
   * The models a reward computes on, on the evaluator's device.
   *
   * @param theta the replica of θ, refreshed from each snapshot
   * @param start θ0, or null when the reward does not {@link #usesStart() use it}
   * @param inputs how its batches become the models' rows (the run's pad id)
   * @param step the snapshot's version: learner steps done when it was taken
   * @param lr the learner's learning rate for its next step (the schedule at {@code step}), for a
   *     reward that takes a look-ahead step as the learner would
   */
  record Models(LanguageModel theta, LanguageModel start, ModelInputs inputs, long step, double lr) {

    /** Outside a run (tests): no step, no learning rate. */
    public Models(LanguageModel theta, LanguageModel start, ModelInputs inputs) {
      this(theta, start, inputs, 0, Double.NaN);
    }
  }

  /**
   * The same reward divided by dataset, for a pool of evaluators (cluster: each node computes the
   * parts of some datasets, one joins them), or null when it does not divide (its computation
   * needs every dataset at once). A reward that divides computes alone as {@link Divided#whole}
   * does, so a pool and one evaluator give the same rewards for the same seeds.
   */
  default Divided divided(Context context) {
    return null;
  }

  /** A reward as parts per dataset and their join. */
  interface Divided {

    /**
     * Dataset {@code dataset}'s part: plain numbers from its own batches alone (and the seeds and
     * {@link Models#step()}), whichever evaluator computes it.
     */
    double[] part(Models models, RewardEvaluator.RewardBatches batches, int dataset);

    /** One reward per dataset from every dataset's part, in dataset order. */
    double[] join(double[][] parts);

    /** The whole computation: every part in dataset order, then the join. */
    static Computation whole(Divided divided) {
      return (models, batches) -> {
        int n = Math.max(batches.train().size(), batches.heldOut().size());
        double[][] parts = new double[n][];
        for (int i = 0; i < n; i++) {
          parts[i] = divided.part(models, batches, i);
        }
        return divided.join(parts);
      };
    }
  }

  /** One run's computation: stateful where the reward draws (MultiUAT's dropout masks). */
  @FunctionalInterface
  interface Computation {

    /**
     * @param batches reward batches of every dataset in dataset order (empty lists for a stream the
     *     reward does not read)
     */
    double[] rewards(Models models, RewardEvaluator.RewardBatches batches);
  }
}
