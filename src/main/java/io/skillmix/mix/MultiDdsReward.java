package io.skillmix.mix;

/**
 * MultiDDS (Wang et al. 2020), as a reward in the MoS framework: R_i = mean over datasets j of
 * cos(∇θ L on a training batch of i, ∇θ L on a held-out batch of j).
 */
public final class MultiDdsReward {

  private MultiDdsReward() {}

  public static double[] compute(float[][] trainGrads, float[][] devGrads) {
    int n = trainGrads.length;
    double[] r = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < devGrads.length; j++) {
        r[i] += cosine(trainGrads[i], devGrads[j]) / devGrads.length;
      }
    }
    return r;
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int k = 0; k < a.length; k++) {
      dot += (double) a[k] * b[k];
      na += (double) a[k] * a[k];
      nb += (double) b[k] * b[k];
    }
    return dot / Math.max(1e-30, Math.sqrt(na) * Math.sqrt(nb));
  }
}
