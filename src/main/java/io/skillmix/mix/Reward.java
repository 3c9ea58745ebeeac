package io.skillmix.mix;

import io.skillmix.data.DatasetActor;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelInputs;
import java.util.List;

/**
 * One reward R_i per dataset (MoS §3.2): which streams it reads, whether it needs the frozen start
 * θ0, and how it computes on the evaluator's replica of θ. One class per reward; a reward is
 * registered by one line naming its class in {@code META-INF/services/io.skillmix.mix.Reward}, and
 * is then a value of {@code mix.reward} (and a {@code mos-NAME} arm of {@code compare}).
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

  /** Examples per dataset per evaluation when {@code mix.reward-batch-size = 0}. */
  default int defaultBatchSize() {
    return 16; // the official code's size for every reward but CosSim
  }

  /** A computation of this reward for one run. */
  Computation start(Options options);

  /**
   * What a computation may use beyond its batches.
   *
   * @param specialist index of the MoSpec target dataset, or -1
   * @param gradientLayers MultiDDS: decoder layers whose gradients count ({@code mix.multidds-layers}; 0: all)
   * @param dropoutPasses MultiUAT: Monte-Carlo dropout passes ({@code mix.multiuat-passes})
   * @param dropoutRate MultiUAT: their dropout rate ({@code mix.multiuat-dropout})
   * @param seed seeds whatever the reward draws (dropout masks), so rewards repeat for a seed
   * @param uncertainty MultiUAT: its measure ({@code mix.multiuat-variant})
   * @param diffTokens Diff: the tokens its perplexities are over ({@code mix.diff-tokens})
   */
  record Options(int specialist, int gradientLayers, int dropoutPasses, double dropoutRate, long seed,
      UncertaintyMeasure uncertainty, DiffTokens diffTokens) {

    /** With MultiUAT's default measure, {@code enttp}, and Diff over response tokens. */
    public Options(int specialist, int gradientLayers, int dropoutPasses, double dropoutRate, long seed) {
      this(specialist, gradientLayers, dropoutPasses, dropoutRate, seed, UncertaintyMeasure.ENTTP);
    }

    /** With MultiUAT's measure {@code uncertainty}; Diff over response tokens. */
    public Options(int specialist, int gradientLayers, int dropoutPasses, double dropoutRate, long seed,
        UncertaintyMeasure uncertainty) {
      this(specialist, gradientLayers, dropoutPasses, dropoutRate, seed, uncertainty, DiffTokens.RESPONSE);
    }

    /** Diff over {@code diffTokens}; MultiUAT's default measure. */
    public Options(int specialist, int gradientLayers, int dropoutPasses, double dropoutRate, long seed,
        DiffTokens diffTokens) {
      this(specialist, gradientLayers, dropoutPasses, dropoutRate, seed, UncertaintyMeasure.ENTTP, diffTokens);
    }
  }

  /**
   * The models a reward computes on, on the evaluator's device.
   *
   * @param theta the replica of θ, refreshed from each snapshot
   * @param start θ0, or null when the reward does not {@link #usesStart() use it}
   * @param inputs how its batches become the models' rows (the run's pad id)
   */
  record Models(LanguageModel theta, LanguageModel start, ModelInputs inputs) {}

  /**
   * The same reward divided by dataset, for a pool of evaluators (cluster: each node computes the
   * parts of some datasets, one joins them), or null when it does not divide (its computation
   * needs every dataset at once). A reward that divides computes alone as {@link Divided#whole}
   * does, so a pool and one evaluator give the same rewards for the same seeds.
   */
  default Divided divided(Options options) {
    return null;
  }

  /** A reward as parts per dataset and their join. */
  interface Divided {

    /**
     * Dataset {@code dataset}'s part: plain numbers from its own batches alone (and the seeds and
     * {@link RewardEvaluator.RewardBatches#version()}), whichever evaluator computes it.
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
     * @param train reward batches of every dataset in dataset order (empty lists when the reward
     *     does not read REWARD); {@code heldOut} likewise
     */
    double[] rewards(Models models, RewardEvaluator.RewardBatches batches);
  }
}
