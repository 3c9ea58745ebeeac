package io.skillmix.mix;

import java.util.Arrays;

/**
 * Draws which dataset feeds each example of a learner step (or the whole step: {@code
 * mix.batch-mixing}) from the current probabilities, with its own seeded {@link Rng}, so a run is
 * reproducible and a checkpoint continues the exact same draws.
 */
public final class MixtureSampler {

  /** Everything needed to continue the exact same draws: the probabilities and the RNG state. */
  public record State(double[] probabilities, long rng) {}

  private final Rng rng;
  private double[] probabilities;

  public MixtureSampler(double[] probabilities, long seed) {
    this.rng = new Rng(seed);
    setProbabilities(probabilities);
  }

  /** New probabilities for the following draws; normalised here, so weights need not sum to 1. */
  public void setProbabilities(double[] p) {
    double sum = 0;
    for (double x : p) {
      if (!(x >= 0) || Double.isInfinite(x)) {
        throw new IllegalArgumentException("probabilities must be non-negative and finite: " + Arrays.toString(p));
      }
      sum += x;
    }
    if (!(sum > 0)) {
      throw new IllegalArgumentException("probabilities sum to " + sum + ": " + Arrays.toString(p));
    }
    if (probabilities != null && p.length != probabilities.length) {
      throw new IllegalArgumentException(p.length + " probabilities for " + probabilities.length + " datasets");
    }
    double[] normalised = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      normalised[i] = p[i] / sum;
    }
    probabilities = normalised;
  }

  /** The dataset for the next step. */
  public int next() {
    return rng.nextIndex(probabilities);
  }

  /** The next draw from {@code p} (summing to 1) instead, when it is not null; the same RNG. */
  public int next(double[] p) {
    return p == null ? next() : rng.nextIndex(p);
  }

  /** The current (normalised) probabilities. */
  public double[] probabilities() {
    return probabilities.clone();
  }

  public State exportState() {
    return new State(probabilities.clone(), rng.state());
  }

  public void importState(State state) {
    setProbabilities(state.probabilities());
    rng.restore(state.rng());
  }
}
