package io.skillmix.mix;

import io.skillmix.config.ConfigSection;

/**
 * What the reward evaluator computes for a policy on each parameter snapshot: a {@link Reward} on
 * batches of {@code batchSize} examples per dataset drawn from the streams it reads.
 *
 * @param batchSize examples per dataset per snapshot; {@link #ALL_HELD_OUT} for every held-out example
 */
public record EvaluatorWork(Reward reward, Reward.Context context, int batchSize) {

  /** A batch size that asks each dataset for its whole held-out split, in its own order. */
  public static final int ALL_HELD_OUT = 0;

  /**
   * A registered reward with its own settings ({@code mix.<reward>.*}, batch size included: its
   * {@code batch-size} key, else the reward's default), checked now by starting it once.
   *
   * @param specialist index of MoSpec's target dataset, or -1
   */
  public static EvaluatorWork of(Reward reward, ConfigSection mix, int specialist, long seed) {
    ConfigSection own = mix.section(reward.name());
    int batch = own.has("batch-size") ? own.positiveInt("batch-size") : reward.defaultBatchSize();
    return checked(new EvaluatorWork(reward, new Reward.Context(own, specialist, seed), batch));
  }

  /** {@code work}, its reward started once so that a bad setting is refused before the run. */
  public static EvaluatorWork checked(EvaluatorWork work) {
    work.start();
    return work;
  }

  /** A fresh computation (the evaluator starts one per reward model). */
  public Reward.Computation start() {
    return reward.start(context);
  }
}
