package io.skillmix.mix;

/**
 * The schedule of Aioli's rounds ({@link AioliPolicy}), a pure function of the step: which steps
 * are LearnParams' blocks and on which smoothed one-hot mixture each trains, where its held-out
 * evaluations fall, and the solve of its interaction matrix.
 */
final class AioliRounds implements PolicyTiming {

  private final int k;
  private final int rounds;
  private final int blockSteps;
  private final int every;
  private final int learnSteps;
  private final double ohf;
  private final long seed;

  /**
   * @param k datasets; @param rounds lp-rounds; @param blockSteps lp-steps; @param every U, the round
   * @param ohf the one-hot factor; @param seed the run's: the blocks' order depends on it and the round alone
   */
  AioliRounds(int k, int rounds, int blockSteps, int every, double ohf, long seed) {
    this.k = k;
    this.rounds = rounds;
    this.blockSteps = blockSteps;
    this.every = every;
    this.learnSteps = rounds * blockSteps * k;
    this.ohf = ohf;
    this.seed = seed;
  }

  /** Held-out losses before LearnParams and after each block; the update after the last block. */
  @Override
  public PolicyTiming.Point after(long stepsDone) {
    long r = inRound(stepsDone);
    if (r == learnSteps) {
      return PolicyTiming.Point.UPDATE;
    }
    return r < learnSteps && r % blockSteps == 0 ? PolicyTiming.Point.MEASURE : PolicyTiming.Point.NONE;
  }

  /** Steps into its round. */
  long inRound(long step) {
    return step % every;
  }

  /** The dataset whose block step {@code step} is in, or -1 after LearnParams. */
  int block(long step) {
    long r = inRound(step);
    return r >= learnSteps ? -1 : order(step / every)[(int) (r / blockSteps)];
  }

  /** The mixture a LearnParams step trains on, or null after LearnParams. */
  @Override
  public double[] dictated(long step) {
    int j = block(step);
    return j < 0 ? null : weights(j);
  }

  /** w_j: ohf on j, (1 − ohf)/(K − 1) on every other dataset. */
  double[] weights(int j) {
    double[] w = new double[k];
    java.util.Arrays.fill(w, k == 1 ? 0 : (1 - ohf) / (k - 1));
    w[j] = k == 1 ? 1 : ohf;
    return w;
  }

  /** lp-rounds permutations of the K datasets one after the other, drawn from (seed, round) alone. */
  int[] order(long round) {
    Rng rng = new Rng(seed * 0x9E3779B97F4A7C15L + round * 0xBF58476D1CE4E5B9L + 0x5EED);
    int[] order = new int[rounds * k];
    for (int r = 0; r < rounds; r++) {
      int[] perm = new int[k];
      for (int i = 0; i < k; i++) {
        perm[i] = i;
      }
      for (int i = k - 1; i > 0; i--) {
        int j = (int) (rng.nextDouble() * (i + 1));
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
      }
      System.arraycopy(perm, 0, order, r * k, k);
    }
    return order;
  }

  /**
   * A from the round's summed gains G (row-major K × K): G / lp-rounds, each row solved against W
   * (A = G at ohf = 1), then shifted by its minimum if negative and divided by its sum
   * ({@code aioli_normalize_A}). A sum of 0 (every entry equal) gives every entry 1/K².
   */
  double[][] interactions(double[] gain) {
    double[][] g = new double[k][k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        g[i][j] = gain[i * k + j] / rounds;
      }
    }
    double[][] a = new double[k][];
    for (int i = 0; i < k; i++) {
      a[i] = ohf == 1 || k == 1 ? g[i].clone() : solve(weightMatrix(), g[i]);
    }
    double min = Double.POSITIVE_INFINITY;
    for (double[] row : a) {
      for (double x : row) {
        min = Math.min(min, x);
      }
    }
    double sum = 0;
    for (double[] row : a) {
      for (int j = 0; j < k; j++) {
        row[j] -= Math.min(min, 0);
        sum += row[j];
      }
    }
    for (double[] row : a) {
      for (int j = 0; j < k; j++) {
        row[j] = sum > 0 ? row[j] / sum : 1.0 / ((double) k * k);
      }
    }
    return a;
  }

  private double[][] weightMatrix() {
    double[][] w = new double[k][];
    for (int j = 0; j < k; j++) {
      w[j] = weights(j);
    }
    return w;
  }

  /** x with m x = b (Gaussian elimination with partial pivoting; m is K × K and invertible). */
  static double[] solve(double[][] m, double[] b) {
    int n = b.length;
    double[][] a = new double[n][n + 1];
    for (int i = 0; i < n; i++) {
      System.arraycopy(m[i], 0, a[i], 0, n);
      a[i][n] = b[i];
    }
    for (int c = 0; c < n; c++) {
      int pivot = c;
      for (int r = c + 1; r < n; r++) {
        if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) {
          pivot = r;
        }
      }
      double[] t = a[c];
      a[c] = a[pivot];
      a[pivot] = t;
      for (int r = c + 1; r < n; r++) {
        double f = a[r][c] / a[c][c];
        for (int j = c; j <= n; j++) {
          a[r][j] -= f * a[c][j];
        }
      }
    }
    double[] x = new double[n];
    for (int i = n - 1; i >= 0; i--) {
      double s = a[i][n];
      for (int j = i + 1; j < n; j++) {
        s -= a[i][j] * x[j];
      }
      x[i] = s / a[i][i];
    }
    return x;
  }
}
