package io.skillmix.mix;

/**
 * Transferability (MoS Eq. 7–8): R_i = (1/N) Σ_j cos(e_i, e_j), the sum including j = i, where
 * e_i is dataset i's mean embedding. MoSpec: R_i = cos(e_i, e_target).
 */
public final class CosSimReward {

  private CosSimReward() {}

  public static double[] compute(double[][] embeddings) {
    int n = embeddings.length;
    double[] r = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        r[i] += cosine(embeddings[i], embeddings[j]) / n;
      }
    }
    return r;
  }

  public static double[] computeSpecialist(double[][] embeddings, int target) {
    double[] r = new double[embeddings.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = cosine(embeddings[i], embeddings[target]);
    }
    return r;
  }

  public static double cosine(double[] a, double[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int d = 0; d < a.length; d++) {
      dot += a[d] * b[d];
      na += a[d] * a[d];
      nb += b[d] * b[d];
    }
    return dot / Math.max(1e-12, Math.sqrt(na) * Math.sqrt(nb));
  }
}
