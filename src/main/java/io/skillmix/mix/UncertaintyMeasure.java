package io.skillmix.mix;

import io.skillmix.UserError;
import java.util.List;
import java.util.Locale;

/**
 * MultiUAT's uncertainty measures (Wu et al. 2021, the official code's {@code reward_type}) of one
 * dataset's held-out batch over K Monte-Carlo dropout passes. Per pass and response position t the
 * model gives a prediction p_k(·|x<t); H = its entropy and m = max_v log p_k(v|x<t) (the most likely
 * token's log-probability, as the official code takes it, not the reference token's).
 *
 * <ul>
 *   <li>{@code enttp} (the official default): mean over passes of the entropy averaged over every
 *       response token of the batch.
 *   <li>{@code pretp}: 1 − mean over passes and examples of exp(Σ_t m) (the greedy sequence's probability).
 *   <li>{@code exptp}: 1 − mean over passes and examples of exp(mean_t m) (its per-token geometric mean).
 *   <li>{@code vartp}: mean over passes and examples of the sample variance (n − 1) of m over the
 *       example's response tokens.
 * </ul>
 * All are higher when the model is less sure, so an uncertain dataset gets more weight.
 */
public enum UncertaintyMeasure {
  ENTTP, PRETP, EXPTP, VARTP;

  /**
   * One Monte-Carlo pass over a batch: per example, the entropy and the top log-probability at
   * each of its response positions (the same positions in every pass).
   */
  public record Pass(List<double[]> entropy, List<double[]> topLogProb) {}

  public static UncertaintyMeasure parse(String key, String value) {
    for (UncertaintyMeasure m : values()) {
      if (m.toString().equals(value)) {
        return m;
      }
    }
    throw new UserError(key + " = '" + value + "' is not one of enttp, pretp, exptp, vartp");
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The reward of one dataset from its K passes. */
  public double of(List<Pass> passes) {
    if (passes.isEmpty()) {
      throw new IllegalArgumentException("MultiUAT: no dropout passes");
    }
    double sum = 0;
    for (Pass pass : passes) {
      sum += perPass(pass);
    }
    double mean = sum / passes.size();
    return this == PRETP || this == EXPTP ? 1 - mean : mean;
  }

  private double perPass(Pass pass) {
    double total = 0;
    int count = 0;
    for (int b = 0; b < pass.entropy().size(); b++) {
      double[] h = pass.entropy().get(b);
      double[] m = pass.topLogProb().get(b);
      switch (this) {
        case ENTTP -> { // token-weighted over the whole batch, as the official code's masked mean
          for (double x : h) {
            total += x;
          }
          count += h.length;
        }
        case PRETP, EXPTP -> {
          if (m.length > 0) {
            double logProb = 0;
            for (double x : m) {
              logProb += x;
            }
            total += Math.exp(this == PRETP ? logProb : logProb / m.length);
            count++;
          }
        }
        case VARTP -> {
          if (m.length > 1) { // torch.var of one value is NaN: such an example is left out
            total += sampleVariance(m);
            count++;
          }
        }
        default -> throw new IllegalStateException(toString());
      }
    }
    if (count == 0) {
      if (this == VARTP) {
        return 0; // no example has two response tokens: nothing varies
      }
      throw new IllegalArgumentException("MultiUAT: a held-out batch without response tokens");
    }
    return total / count;
  }

  private static double sampleVariance(double[] x) {
    double mean = 0;
    for (double v : x) {
      mean += v;
    }
    mean /= x.length;
    double ss = 0;
    for (double v : x) {
      ss += (v - mean) * (v - mean);
    }
    return ss / (x.length - 1);
  }
}
