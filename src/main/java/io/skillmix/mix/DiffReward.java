package io.skillmix.mix;

/**
 * Difficulty (MoS Eq. 10): R_i = mean over examples x of PPL_θ(x) / PPL_θ0(x), perplexity over
 * response tokens. A high ratio: the dataset has improved little and needs more training. MoSpec
 * doubles the target dataset's reward.
 */
public final class DiffReward {

  private DiffReward() {}

  /** @param ratios per dataset, per example PPL_θ(x) / PPL_θ0(x) */
  public static double[] compute(double[][] ratios) {
    return RewardChecks.rowMeans("Diff ratios", ratios);
  }

  public static double[] computeSpecialist(double[][] ratios, int target) {
    RewardChecks.target(target, ratios.length);
    double[] r = compute(ratios);
    r[target] *= 2;
    return r;
  }

  /** exp(mean NLL under θ − mean NLL under θ0) = PPL_θ / PPL_θ0 (NLL in nats per response token). */
  public static double perplexityRatio(double meanNllTheta, double meanNllTheta0) {
    return Math.exp(meanNllTheta - meanNllTheta0);
  }
}
