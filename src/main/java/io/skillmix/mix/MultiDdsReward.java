package io.skillmix.mix;

/**
 * MultiDDS (Wang et al. 2020), as a reward in the MoS framework: R_i = mean over datasets j of
 * cos(∇θ L on a training batch of i, ∇θ L on a held-out batch of j). Gradients come flattened,
 * best as float[] (they are the size of the model, or of its last layers); dot products
 * accumulate in double either way.
 */
public final class MultiDdsReward {

  private MultiDdsReward() {}

  /**
   * @param trainGrads N × P: ∇θ L on a training batch of each dataset
   * @param devGrads M × P: ∇θ L on a held-out batch of each dataset (M = N in MoS)
   */
  public static double[] compute(float[][] trainGrads, float[][] devGrads) {
    check(RewardChecks.sameWidth("MultiDDS training gradients", trainGrads.length, i -> trainGrads[i].length),
        RewardChecks.sameWidth("MultiDDS held-out gradients", devGrads.length, j -> devGrads[j].length));
    return meanCosines(trainGrads.length, devGrads.length,
        (i, j) -> dot(trainGrads[i], devGrads[j]),
        i -> dot(trainGrads[i], trainGrads[i]),
        j -> dot(devGrads[j], devGrads[j]));
  }

  /** The same on double gradients. */
  public static double[] compute(double[][] trainGrads, double[][] devGrads) {
    check(RewardChecks.sameWidth("MultiDDS training gradients", trainGrads.length, i -> trainGrads[i].length),
        RewardChecks.sameWidth("MultiDDS held-out gradients", devGrads.length, j -> devGrads[j].length));
    return meanCosines(trainGrads.length, devGrads.length,
        (i, j) -> dot(trainGrads[i], devGrads[j]),
        i -> dot(trainGrads[i], trainGrads[i]),
        j -> dot(devGrads[j], devGrads[j]));
  }

  private interface PairDot {
    double of(int i, int j);
  }

  /** Norms once per vector rather than once per pair; a zero gradient has cosine 0 with anything. */
  private static double[] meanCosines(int n, int m, PairDot cross,
      java.util.function.IntToDoubleFunction trainSquare, java.util.function.IntToDoubleFunction devSquare) {
    double[] devNorms = new double[m];
    for (int j = 0; j < m; j++) {
      devNorms[j] = Math.sqrt(devSquare.applyAsDouble(j));
    }
    double[] r = new double[n];
    for (int i = 0; i < n; i++) {
      double trainNorm = Math.sqrt(trainSquare.applyAsDouble(i));
      double sum = 0;
      for (int j = 0; j < m; j++) {
        double norms = trainNorm * devNorms[j];
        sum += norms == 0 ? 0 : cross.of(i, j) / norms;
      }
      r[i] = sum / m;
    }
    return r;
  }

  private static void check(int p, int q) {
    if (p != q) {
      throw new IllegalArgumentException("MultiDDS gradients of " + p + " and " + q + " parameters");
    }
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int k = 0; k < a.length; k++) {
      s += (double) a[k] * b[k];
    }
    return s;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int k = 0; k < a.length; k++) {
      s += a[k] * b[k];
    }
    return s;
  }
}
