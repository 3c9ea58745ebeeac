package io.skillmix.mix;

/**
 * MultiUAT (Wu et al. 2021), as a reward in the MoS framework: R_i = mean over held-out examples of
 * dataset i of the model's predictive entropy under Monte-Carlo dropout. Uncertain datasets get more.
 */
public final class MultiUatReward {

  private MultiUatReward() {}

  public static double[] compute(double[][] entropies) {
    double[] r = new double[entropies.length];
    for (int i = 0; i < r.length; i++) {
      for (double e : entropies[i]) {
        r[i] += e / entropies[i].length;
      }
    }
    return r;
  }
}
