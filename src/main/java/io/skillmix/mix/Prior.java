package io.skillmix.mix;

import io.skillmix.UserError;
import java.util.Arrays;

/**
 * Heuristic sampling distributions (MoS Eq. 3): q_i = n_i / Σ n_j, p_i(τ) ∝ q_i^(1/τ). τ = 1 is
 * proportional, τ = ∞ uniform; the "temperature" baseline uses τ = 10 ({@code mix.prior-temperature}).
 * The learned scorer starts from the τ of {@code mix.scorer-prior-temperature}, ∞ by default: equal
 * probabilities, as the paper's runs (its Fig. 2; Table 3's τ = ∞ rows).
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

  public static double[] temperature(long[] sizes, double tau) {
    return temperature("mix.prior-temperature", sizes, tau);
  }

  private static double[] temperature(String key, long[] sizes, double tau) {
    if (!(tau > 0)) {
      throw new UserError(key + " = " + tau
          + " must be positive or inf (1: proportional, 10: the temperature baseline, inf: uniform)");
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

  /**
   * The probabilities a run starts from: a fixed method's prior, or for a learned method the
   * temperature prior its scorer is warm-started to.
   *
   * @param tau τ of {@code temp}'s prior ({@code mix.prior-temperature}) for {@code temp}, of the
   *     scorer's warm start ({@code mix.scorer-prior-temperature}) for a learned method; unused otherwise
   */
  public static double[] of(MixtureMethod method, long[] sizes, double tau) {
    return switch (method) {
      case PROP -> proportional(sizes);
      case UNI -> {
        checkSizes(sizes);
        yield uniform(sizes.length);
      }
      case TEMP -> temperature(sizes, tau);
      case FIXED -> throw new IllegalArgumentException("a fixed mixture's probabilities are its weights: use Prior.fixed");
      case MOS, MULTIDDS, MULTIUAT -> temperature("mix.scorer-prior-temperature", sizes, tau);
    };
  }

  /**
   * {@code mix.weights} in the order of {@code names}, normalised to sum to 1: every dataset of the
   * mix needs a weight, at least one of them positive, and no weight may name a dataset not in it.
   */
  public static double[] fixed(java.util.List<String> names, java.util.Map<String, Double> weights) {
    for (String given : weights.keySet()) {
      if (!names.contains(given)) {
        throw new UserError("mix.weights." + given + ": the mix has no dataset '" + given + "'; its datasets are "
            + String.join(", ", names));
      }
    }
    double[] p = new double[names.size()];
    double total = 0;
    for (int i = 0; i < p.length; i++) {
      Double w = weights.get(names.get(i));
      if (w == null || !(w >= 0) || Double.isInfinite(w)) {
        throw new UserError("mix.weights." + names.get(i) + (w == null ? " is missing" : " = " + w + " is not a weight")
            + ": mix.method = fixed needs a weight of 0 or more for every dataset (" + String.join(", ", names) + ")");
      }
      p[i] = w;
      total += w;
    }
    if (!(total > 0)) {
      throw new UserError("mix.weights are all 0: give at least one dataset a positive weight");
    }
    for (int i = 0; i < p.length; i++) {
      p[i] /= total;
    }
    return p;
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
