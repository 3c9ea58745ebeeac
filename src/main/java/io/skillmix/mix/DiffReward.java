package io.skillmix.mix;

/**
 * Difficulty (MoS Eq. 10): R_i = mean over examples of PPL_θ(x) / PPL_θ0(x) on response tokens.
 * A high ratio: the dataset has improved little and needs more training. MoSpec doubles the
 * target dataset's reward.
 */
public final class DiffReward {

  private DiffReward() {}

  public static double[] compute(double[][] ratios) {
    double[] r = new double[ratios.length];
    for (int i = 0; i < r.length; i++) {
      for (double x : ratios[i]) {
        r[i] += x / ratios[i].length;
      }
    }
    return r;
  }

  public static double[] computeSpecialist(double[][] ratios, int target) {
    double[] r = compute(ratios);
    r[target] *= 2;
    return r;
  }

  /** exp(mean NLL under θ − mean NLL under θ0) = PPL_θ / PPL_θ0. */
  public static double perplexityRatio(double meanNll, double meanNllReference) {
    return Math.exp(meanNll - meanNllReference);
  }
}
