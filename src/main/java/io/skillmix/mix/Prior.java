package io.skillmix.mix;

import io.skillmix.UserError;

/**
 * Heuristic sampling distributions (MoS Eq. 3): q_i = n_i / Σ n_j, p_i(τ) ∝ q_i^(1/τ). τ = 1 is
 * proportional, τ = ∞ uniform; the "temperature" baseline uses τ = 10.
 */
public final class Prior {

  private Prior() {}

  public static double[] proportional(long[] sizes) {
    return temperature(sizes, 1);
  }

  public static double[] uniform(int n) {
    double[] p = new double[n];
    java.util.Arrays.fill(p, 1.0 / n);
    return p;
  }

  public static double[] temperature(long[] sizes, double tau) {
    if (!(tau > 0)) {
      throw new UserError("mix.prior-temperature = " + tau + " must be positive");
    }
    if (Double.isInfinite(tau)) {
      return uniform(sizes.length);
    }
    double total = 0;
    for (long n : sizes) {
      if (n <= 0) {
        throw new IllegalArgumentException("dataset sizes must be positive");
      }
      total += n;
    }
    double[] p = new double[sizes.length];
    double sum = 0;
    for (int i = 0; i < sizes.length; i++) {
      // In log space: q^(1/τ) for tiny q and small τ would underflow.
      p[i] = Math.log(sizes[i] / total) / tau;
    }
    double max = java.util.Arrays.stream(p).max().orElse(0);
    for (int i = 0; i < p.length; i++) {
      p[i] = Math.exp(p[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < p.length; i++) {
      p[i] /= sum;
    }
    return p;
  }

  /** @param method prop, temp or uni */
  public static double[] of(String method, long[] sizes, double tau) {
    return switch (method) {
      case "prop" -> proportional(sizes);
      case "temp" -> temperature(sizes, tau);
      case "uni" -> uniform(sizes.length);
      default -> throw new UserError("mix.method = '" + method + "' has no fixed prior; use prop, temp or uni");
    };
  }
}
