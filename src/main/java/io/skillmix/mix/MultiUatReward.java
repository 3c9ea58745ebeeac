package io.skillmix.mix;

/**
 * MultiUAT (Wu et al. 2021), as a reward in the MoS framework: R_i = mean over held-out examples of
 * dataset i of the model's predictive entropy under K Monte-Carlo dropout passes. Uncertain
 * datasets get more.
 */
public final class MultiUatReward {

  private MultiUatReward() {}

  /** @param entropies per dataset, per example mean predictive entropy over the K passes */
  public static double[] compute(double[][] entropies) {
    return RewardChecks.rowMeans("MultiUAT entropies", entropies);
  }
}
