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
 * @param ema resolved: {@code mix.ema}, or when it is auto the method's default ({@link MixtureMethod#emaByDefault()})
 * @param priorTemperature τ of the {@code temp} baseline ({@code mix.prior-temperature})
 * @param scorerPriorTemperature τ of the prior a learned scorer starts from ({@code mix.scorer-prior-temperature};
 *     infinite: equal probabilities, the paper's)
 * @param updateEvery S, resolved (never auto: see {@code mix.update-every})
 * @param specialist MoSpec's target dataset, or ""
 * @param multiuatPasses K, MultiUAT's Monte-Carlo dropout passes
 * @param multiuatVariant MultiUAT's uncertainty measure
 * @param diffTokens the tokens of the Diff reward's perplexities ({@code mix.diff-tokens})
 * @param batchMixing {@code mix.batch-mixing}: a dataset drawn per example or per step
 * @param weights {@code mix.weights}: the probabilities of {@code fixed}, by dataset name (not normalised)
 */
public record MixSettings(MixtureMethod method, Reward reward, boolean ema, double emaAlpha, ScorerKind scorer,
    double priorTemperature, double scorerPriorTemperature, int updateEvery, ApplyMode apply, int lagSteps,
    int scorerSteps, double scorerLr, Scorer.UpdateRule updateRule, int rewardBatchSize, String specialist,
    Duration updateTimeout, int multiddsLayers, int multiuatPasses, double multiuatDropout,
    UncertaintyMeasure multiuatVariant, DiffTokens diffTokens, BatchMixing batchMixing,
    java.util.Map<String, Double> weights) {

  public MixSettings {
    weights = java.util.Map.copyOf(weights);
  }

  /** Whether probabilities are learned during training (the others are fixed priors). */
  public boolean learned() {
    return method.learned();
  }

  /** The probabilities a run starts from: the prior of a fixed method or a learned scorer's warm start. */
  public double[] startProbabilities(java.util.List<String> names, long[] sizes) {
    return method == MixtureMethod.FIXED ? Prior.fixed(names, weights) : Prior.of(method, sizes, startTemperature());
  }

  /** τ of the prior the run starts from: the scorer's for a learned method, else the temp baseline's. */
  public double startTemperature() {
    return learned() ? scorerPriorTemperature : priorTemperature;
  }

  /** The reward the evaluator computes: the baseline's own for multidds and multiuat, else {@link #reward}. */
  public Reward trainingReward() {
    return method.reward(reward);
  }
}
