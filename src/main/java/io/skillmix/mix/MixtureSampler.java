package io.skillmix.mix;

/** Draws which dataset feeds each learner step from the current probabilities, reproducibly. */
public final class MixtureSampler {

  /** Everything needed to continue the exact same draws. */
  public record State(double[] probabilities, long rng) {}

  private final Rng rng;
  private double[] cumulative;
  private double[] probabilities;

  public MixtureSampler(double[] probabilities, long seed) {
    this.rng = new Rng(seed);
    setProbabilities(probabilities);
  }

  public void setProbabilities(double[] p) {
    double[] c = new double[p.length];
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      if (!(p[i] >= 0)) {
        throw new IllegalArgumentException("probabilities must be non-negative: " + java.util.Arrays.toString(p));
      }
      sum += p[i];
      c[i] = sum;
    }
    if (!(sum > 0)) {
      throw new IllegalArgumentException("probabilities sum to " + sum);
    }
    for (int i = 0; i < c.length; i++) {
      c[i] /= sum;
    }
    probabilities = p.clone();
    cumulative = c;
  }

  public int next() {
    double u = rng.nextDouble();
    for (int i = 0; i < cumulative.length - 1; i++) {
      if (u < cumulative[i]) {
        return i;
      }
    }
    return cumulative.length - 1;
  }

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
