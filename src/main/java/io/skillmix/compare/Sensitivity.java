package io.skillmix.compare;

import java.util.Locale;
import java.util.Map;

/**
 * Whether the choice of static mixture matters in one column: the gap between the best and the
 * worst static arm's mean, in units of the seed noise (the pooled sample standard deviation of the
 * static arms: Σ (n_i − 1) s_i² / Σ (n_i − 1), under the root). A gap of several of those units
 * is a setting where a mixture method can be told apart from another.
 */
final class Sensitivity {

  private Sensitivity() {}

  /**
   * @param values per static arm, its finite per-seed values
   * @return the line under the table, or null with fewer than two static arms that have a value or
   *     no arm with two seeds
   */
  static String line(String column, int decimals, boolean higherIsBetter, Map<String, double[]> values) {
    String best = null;
    String worst = null;
    double squares = 0;
    int freedom = 0;
    int arms = 0;
    for (Map.Entry<String, double[]> e : values.entrySet()) {
      double[] v = e.getValue();
      if (v.length == 0) {
        continue;
      }
      arms++;
      double mean = Significance.mean(v);
      for (double x : v) {
        squares += (x - mean) * (x - mean);
      }
      freedom += v.length - 1;
      if (best == null || better(mean, Significance.mean(values.get(best)), higherIsBetter)) {
        best = e.getKey();
      }
      if (worst == null || better(Significance.mean(values.get(worst)), mean, higherIsBetter)) {
        worst = e.getKey();
      }
    }
    if (arms < 2 || freedom == 0) {
      return null;
    }
    double gap = Math.abs(Significance.mean(values.get(best)) - Significance.mean(values.get(worst)));
    double std = Math.sqrt(squares / freedom);
    String f = "%." + decimals + "f";
    return String.format(Locale.ROOT, "mixture sensitivity (static arms): best − worst = " + f + " on %s (%s vs %s),"
        + " = %s × the seeds' std (pooled sample std of the static arms: " + f + ")", gap, column, best, worst,
        std == 0 ? (gap == 0 ? "0.0" : "∞") : String.format(Locale.ROOT, "%.1f", gap / std), std);
  }

  private static boolean better(double value, double than, boolean higherIsBetter) {
    return higherIsBetter ? value > than : value < than;
  }
}
