package io.skillmix.mix;

import java.util.function.IntUnaryOperator;

/** Shape checks shared by the reward formulas: a ragged or empty input is a programming error. */
final class RewardChecks {

  private RewardChecks() {}

  /** At least one dataset, and the same width D > 0 for every row. */
  static int sameWidth(String what, int rows, IntUnaryOperator width) {
    if (rows == 0) {
      throw new IllegalArgumentException(what + ": no datasets");
    }
    int d = width.applyAsInt(0);
    for (int i = 0; i < rows; i++) {
      if (width.applyAsInt(i) != d || d == 0) {
        throw new IllegalArgumentException(what + ": dataset " + i + " has " + width.applyAsInt(i)
            + " values where dataset 0 has " + d + " (need the same, non-zero width)");
      }
    }
    return d;
  }

  static void target(int target, int n) {
    if (target < 0 || target >= n) {
      throw new IllegalArgumentException("specialist target " + target + " is not one of " + n + " datasets");
    }
  }

  /** Mean over each dataset's examples; a dataset without examples has no reward to give. */
  static double[] rowMeans(String what, double[][] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException(what + ": no datasets");
    }
    double[] r = new double[values.length];
    for (int i = 0; i < r.length; i++) {
      if (values[i].length == 0) {
        throw new IllegalArgumentException(what + ": dataset " + i + " has an empty reward batch");
      }
      double sum = 0;
      for (double x : values[i]) {
        sum += x;
      }
      r[i] = sum / values[i].length;
    }
    return r;
  }
}
