package io.skillmix.mix;

import io.skillmix.UserError;
import java.util.Arrays;

/**
 * Heuristic sampling distributions (MoS Eq. 3): q_i = n_i / Σ n_j, p_i(τ) ∝ q_i^(1/τ). τ = 1 is
 * proportional, τ = ∞ uniform; the "temperature" baseline uses τ = 10 ({@code mix.temp.temperature}).
 * The learned policies start from priors of the same family (their own {@code prior-temperature}).
 */
public final class Prior {

  private Prior() {}

  public static double[] proportional(long[] sizes) {
    return temperature(sizes, 1);
  }

  public static double[] uniform(int n) {
    if (n <= 0) {
      throw new UserError("there are no datasets to mix; list at least one under data.datasets");
    }
    double[] p = new double[n];
    Arrays.fill(p, 1.0 / n);
    return p;
  }

  /** p_i ∝ n_i^(1/τ); τ = ∞ gives the uniform mixture. */
  public static double[] temperature(long[] sizes, double tau) {
    if (!(tau > 0)) {
      throw new IllegalArgumentException("a prior's temperature must be positive or infinite: " + tau);
    }
    checkSizes(sizes);
    if (Double.isInfinite(tau)) {
      return uniform(sizes.length);
    }
    double total = 0;
    for (long n : sizes) {
      total += n;
    }
    double[] logP = new double[sizes.length];
    for (int i = 0; i < sizes.length; i++) {
      // In log space: q^(1/τ) for a tiny q and a small τ would underflow to 0.
      logP[i] = Math.log(sizes[i] / total) / tau;
    }
    return Scorer.softmax(logP);
  }

  /** τ as a report writes it: inf, or the number without a needless ".0". */
  public static String tau(double tau) {
    return Double.isInfinite(tau) ? "inf" : tau == Math.rint(tau) ? String.valueOf((long) tau) : String.valueOf(tau);
  }

  private static void checkSizes(long[] sizes) {
    if (sizes.length == 0) {
      throw new UserError("there are no datasets to mix; list at least one under data.datasets");
    }
    for (int i = 0; i < sizes.length; i++) {
      if (sizes[i] <= 0) {
        throw new UserError("dataset " + (i + 1) + " of data.datasets has " + sizes[i]
            + " training examples; give it examples or remove it from the mix");
      }
    }
  }
}
