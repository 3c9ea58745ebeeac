package io.skillmix.mix;

import java.time.Duration;

/**
 * The mixture part of a run's settings ({@code mix.*}), read and checked once by the run's
 * settings.
 *
 * @param reward {@code mix.reward}: what mos learns from (a baseline method brings its own: see
 *     {@link #trainingReward()})
 * @param lagSteps L of lagged apply, resolved (never -1)
 * @param rewardBatchSize resolved (never 0: the reward's default then)
 * @param specialist MoSpec's target dataset, or ""
 * @param multiuatPasses K, MultiUAT's Monte-Carlo dropout passes
 * @param multiuatVariant MultiUAT's uncertainty measure
 * @param batchMixing {@code mix.batch-mixing}: a dataset drawn per example or per step
 */
public record MixSettings(MixtureMethod method, Reward reward, boolean ema, double emaAlpha, ScorerKind scorer,
    double priorTemperature, int updateEvery, ApplyMode apply, int lagSteps, int scorerSteps,
    double scorerLr, Scorer.UpdateRule updateRule, int rewardBatchSize, String specialist, Duration updateTimeout,
    int multiddsLayers, int multiuatPasses, double multiuatDropout, UncertaintyMeasure multiuatVariant, BatchMixing batchMixing) {

  /** Whether probabilities are learned during training (the others are fixed priors). */
  public boolean learned() {
    return method.learned();
  }

  /** The reward the evaluator computes: the baseline's own for multidds and multiuat, else {@link #reward}. */
  public Reward trainingReward() {
    return method.reward(reward);
  }
}
