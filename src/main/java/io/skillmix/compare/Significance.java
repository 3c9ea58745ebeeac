package io.skillmix.compare;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.commons.math3.stat.inference.TTest;

/**
 * One column's test of every arm against the best static arm (the paper's claim is that a learned
 * mixture beats the best heuristic): Welch's two-sided t-test of the arm's per-seed values against
 * the best static arm's, which does not assume the two spreads are equal.
 *
 * @param column the column's label
 * @param decimals digits of its values
 * @param best the static arm with the best mean in the column
 * @param bestMean its mean
 * @param p per arm in table order: the p-value; NaN where the test is undefined (fewer than two
 *     seeds on a side, or no spread on either); absent for {@code best} itself
 * @param betterLearned the learned arms whose mean is better than {@code best}'s at p below {@link #LEVEL}
 */
record Significance(String column, int decimals, String best, double bestMean, Map<String, Double> p,
    List<String> betterLearned) {

  /** The significance level of the summary line. */
  static final double LEVEL = 0.05;

  /** The header of the p-value column next to {@code column}. */
  static String header(String column) {
    return "p vs best static (" + column + ")";
  }

  /**
   * @param values per arm, in table order, its finite per-seed values
   * @param staticArms arms that keep their mixture fixed (prop, temp, uni, fixed)
   * @param learnedArms arms that learn it
   * @return null when no static arm has a value
   */
  static Significance test(String column, int decimals, boolean higherIsBetter, Map<String, double[]> values,
      Set<String> staticArms, Set<String> learnedArms) {
    String best = null;
    double bestMean = Double.NaN;
    for (Map.Entry<String, double[]> e : values.entrySet()) {
      double mean = mean(e.getValue());
      if (staticArms.contains(e.getKey()) && Double.isFinite(mean)
          && (best == null || (higherIsBetter ? mean > bestMean : mean < bestMean))) {
        best = e.getKey();
        bestMean = mean;
      }
    }
    if (best == null) {
      return null;
    }
    Map<String, Double> p = new LinkedHashMap<>();
    List<String> better = new ArrayList<>();
    for (Map.Entry<String, double[]> e : values.entrySet()) {
      if (e.getKey().equals(best)) {
        continue;
      }
      double pValue = welch(e.getValue(), values.get(best));
      p.put(e.getKey(), pValue);
      double mean = mean(e.getValue());
      if (learnedArms.contains(e.getKey()) && pValue < LEVEL && (higherIsBetter ? mean > bestMean : mean < bestMean)) {
        better.add(e.getKey());
      }
    }
    return new Significance(column, decimals, best, bestMean, p, better);
  }

  /** Welch's two-sided p-value; NaN with fewer than two values on a side or no spread on both. */
  static double welch(double[] a, double[] b) {
    if (a.length < 2 || b.length < 2 || (variance(a) == 0 && variance(b) == 0)) {
      return Double.NaN;
    }
    return new TTest().tTest(a, b);
  }

  /** The cell of the p-value column: {@code —} for the best static arm, {@code n/a} where no test is defined. */
  String text(String arm) {
    if (arm.equals(best)) {
      return "—";
    }
    Double value = p.get(arm);
    return value == null || Double.isNaN(value) ? "n/a" : format(value);
  }

  /** The line under the table. */
  String summary() {
    List<String> better = betterLearned.stream().map(a -> a + " (p = " + format(p.get(a)) + ")").toList();
    return String.format(Locale.ROOT, "%s: best static: %s (%." + decimals + "f); learned arms better at p < %s: %s",
        column, best, bestMean, LEVEL, better.isEmpty() ? "none" : String.join(", ", better));
  }

  static String format(double p) {
    return p < 0.001 ? "< 0.001" : String.format(Locale.ROOT, "%.3f", p);
  }

  static double mean(double[] values) {
    return Arrays.stream(values).average().orElse(Double.NaN);
  }

  private static double variance(double[] values) {
    double mean = mean(values);
    return Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum() / (values.length - 1);
  }
}
