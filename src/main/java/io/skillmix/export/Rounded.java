package io.skillmix.export;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Probabilities as an export prints them: {@value #DIGITS} decimals, summing to exactly 1. Rounding
 * each value on its own can leave the sum a few millionths off, which numpy's {@code choice} (under
 * Hugging Face {@code interleave_datasets}) refuses; renormalising after rounding brings the digits
 * back. So they are apportioned by largest remainder: each share floored to millionths, then the
 * millionths still missing go one each to the shares that lost most. Every printed value is within
 * 1e-6 of the exact share, and the printed values add up to 1 exactly (as decimals; as doubles within
 * a few ulps, far inside 1e-9).
 */
final class Rounded {

  /** Decimals of every exported probability. */
  static final int DIGITS = 6;

  private Rounded() {}

  /** {@code p} normalised and apportioned to {@value #DIGITS} decimals; non-negative, summing to 1. */
  static BigDecimal[] probabilities(double[] p) {
    MathContext mc = MathContext.DECIMAL128;
    BigDecimal total = BigDecimal.ZERO;
    for (double x : p) {
      if (!(x >= 0) || Double.isInfinite(x)) {
        throw new IllegalArgumentException("not a probability: " + Arrays.toString(p));
      }
      total = total.add(new BigDecimal(x));
    }
    if (total.signum() == 0) {
      throw new IllegalArgumentException("probabilities sum to 0: " + Arrays.toString(p));
    }
    BigDecimal unit = BigDecimal.ONE.movePointRight(DIGITS); // 10^6 millionths make 1
    long[] units = new long[p.length];
    BigDecimal[] remainder = new BigDecimal[p.length];
    long given = 0;
    for (int i = 0; i < p.length; i++) {
      BigDecimal scaled = new BigDecimal(p[i]).divide(total, mc).multiply(unit);
      BigDecimal floor = scaled.setScale(0, RoundingMode.FLOOR);
      units[i] = floor.longValueExact();
      remainder[i] = scaled.subtract(floor);
      given += units[i];
    }
    long missing = unit.longValueExact() - given; // at most p.length - 1
    int[] order = IntStream.range(0, p.length).boxed()
        .sorted(Comparator.comparing((Integer i) -> remainder[i]).reversed().thenComparing(i -> i))
        .mapToInt(Integer::intValue).toArray();
    for (int k = 0; k < missing; k++) {
      units[order[k]]++;
    }
    BigDecimal[] out = new BigDecimal[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = BigDecimal.valueOf(units[i], DIGITS).stripTrailingZeros();
      if (out[i].scale() < 0) {
        out[i] = out[i].setScale(0);
      }
    }
    return out;
  }

  /** As written in a file: plain decimal notation ({@code 0.25}, {@code 1}, {@code 0.000001}). */
  static String text(BigDecimal p) {
    return p.toPlainString();
  }
}
