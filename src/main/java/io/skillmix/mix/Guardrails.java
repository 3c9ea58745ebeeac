package io.skillmix.mix;

import io.skillmix.UserError;
import io.skillmix.config.ConfigSection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A floor and a cap on each dataset's probability ({@code mix.min-probability},
 * {@code mix.max-probability}; DESIGN §9's guardrails), for every policy: the run starts from its
 * prior put within them, and every update is too. A mixture outside them is replaced by its
 * Euclidean projection onto the capped simplex {l ≤ p ≤ u, Σ p = 1}: p_i = clip(q_i − τ, l_i, u_i)
 * with the one τ that makes them sum to 1. A mixture already within them is left exactly as it is.
 *
 * @param min l_i per dataset, in the run's order
 * @param max u_i per dataset
 */
public record Guardrails(List<String> datasets, double[] min, double[] max) {

  public Guardrails {
    datasets = List.copyOf(datasets);
    min = min.clone();
    max = max.clone();
  }

  /** No bounds: every mixture is left as it is. */
  public static Guardrails none(List<String> datasets) {
    double[] min = new double[datasets.size()];
    double[] max = new double[datasets.size()];
    java.util.Arrays.fill(max, 1);
    return new Guardrails(datasets, min, max);
  }

  /**
   * Reads the bounds; each key is a number for every dataset, or an object of dataset name → number
   * with an optional {@code default} for the others. Bounds no mixture can meet (Σ min > 1,
   * Σ max < 1, a floor above its cap) are refused here, before the run starts.
   */
  public static Guardrails read(ConfigSection mix, List<String> datasets) {
    double[] min = bounds(mix, "min-probability", datasets, 0);
    double[] max = bounds(mix, "max-probability", datasets, 1);
    double floors = 0;
    double caps = 0;
    for (int i = 0; i < datasets.size(); i++) {
      if (min[i] > max[i]) {
        throw new UserError("mix.min-probability of " + datasets.get(i) + " (" + min[i] + ") is above its"
            + " mix.max-probability (" + max[i] + "); no mixture can meet both");
      }
      floors += min[i];
      caps += max[i];
    }
    if (floors > 1 + 1e-12) {
      throw new UserError(String.format(Locale.ROOT, "mix.min-probability adds up to %s over the %d datasets,"
          + " more than 1: no mixture can give every dataset its floor; lower them", brief(floors), datasets.size()));
    }
    if (caps < 1 - 1e-12) {
      throw new UserError(String.format(Locale.ROOT, "mix.max-probability adds up to %s over the %d datasets,"
          + " less than 1: no mixture stays under every cap; raise them", brief(caps), datasets.size()));
    }
    return new Guardrails(datasets, min, max);
  }

  private static double[] bounds(ConfigSection mix, String name, List<String> datasets, double absent) {
    double[] out = new double[datasets.size()];
    if (!mix.isObject(name)) {
      java.util.Arrays.fill(out, mix.between(name, 0, 1));
      return out;
    }
    Map<String, Double> given = mix.numbers(name);
    for (String key : given.keySet()) {
      if (!key.equals("default") && !datasets.contains(key)) {
        throw new UserError(mix.key(name) + "." + key + ": the mix has no dataset '" + key + "'; its datasets are "
            + String.join(", ", datasets) + " (and default, for the others)");
      }
      double v = given.get(key);
      if (!(v >= 0 && v <= 1)) {
        throw new UserError(mix.key(name) + "." + key + " = " + v + " must be a probability, between 0 and 1");
      }
    }
    double fallback = given.getOrDefault("default", absent);
    for (int i = 0; i < out.length; i++) {
      out[i] = given.getOrDefault(datasets.get(i), fallback);
    }
    return out;
  }

  /** Whether any bound can bind (some floor above 0 or cap below 1). */
  public boolean active() {
    for (int i = 0; i < min.length; i++) {
      if (min[i] > 0 || max[i] < 1) {
        return true;
      }
    }
    return false;
  }

  /** {@code p} itself when it is within the bounds, else its projection onto them (a new array). */
  public double[] apply(double[] p) {
    boolean within = true;
    for (int i = 0; i < p.length; i++) {
      within &= p[i] >= min[i] && p[i] <= max[i];
    }
    return within ? p : project(p);
  }

  /** The Euclidean projection of {@code q} onto {min ≤ p ≤ max, Σ p = 1}, τ found by bisection. */
  double[] project(double[] q) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < q.length; i++) {
      lo = Math.min(lo, q[i] - max[i]); // every coordinate at its cap: Σ ≥ 1
      hi = Math.max(hi, q[i] - min[i]); // every coordinate at its floor: Σ ≤ 1
    }
    for (int it = 0; it < 200 && hi - lo > 0; it++) {
      double tau = (lo + hi) / 2;
      if (tau == lo || tau == hi) {
        break;
      }
      if (clippedSum(q, tau) > 1) {
        lo = tau;
      } else {
        hi = tau;
      }
    }
    double[] p = new double[q.length];
    double sum = 0;
    for (int i = 0; i < q.length; i++) {
      p[i] = clip(q[i] - hi, i);
      sum += p[i];
    }
    // The coordinates strictly inside their bounds take up the last rounding error, so Σ p = 1.
    double free = 0;
    for (int i = 0; i < q.length; i++) {
      free += p[i] > min[i] && p[i] < max[i] ? 1 : 0;
    }
    for (int i = 0; i < q.length && free > 0; i++) {
      if (p[i] > min[i] && p[i] < max[i]) {
        p[i] += (1 - sum) / free;
      }
    }
    return p;
  }

  private double clippedSum(double[] q, double tau) {
    double s = 0;
    for (int i = 0; i < q.length; i++) {
      s += clip(q[i] - tau, i);
    }
    return s;
  }

  private double clip(double x, int i) {
    return Math.min(max[i], Math.max(min[i], x));
  }

  /** Which bounds bound: "math 0.01 -> 0.05 (floor)". */
  public String describeBinding(double[] before, double[] after) {
    StringBuilder out = new StringBuilder("the guardrails moved the policy's probabilities:");
    for (int i = 0; i < before.length; i++) {
      if (before[i] < min[i] || before[i] > max[i]) {
        out.append(String.format(Locale.ROOT, " %s %s -> %s (%s);", datasets.get(i), brief(before[i]),
            brief(after[i]), before[i] < min[i] ? "floor" : "cap"));
      }
    }
    return out.substring(0, out.length() - 1);
  }

  /** A probability in at most 4 significant digits, without trailing zeros. */
  private static String brief(double x) {
    return new java.math.BigDecimal(x).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
  }
}
