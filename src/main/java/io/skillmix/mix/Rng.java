package io.skillmix.mix;

/**
 * SplitMix64 (Steele, Lea and Flood 2014): a small generator whose whole state is one long, so a
 * checkpoint restores the exact sequence of draws. Every seeded draw in this package uses it.
 */
public final class Rng {

  private long state;

  public Rng(long seed) {
    this.state = seed;
  }

  public long nextLong() {
    long z = (state += 0x9E3779B97F4A7C15L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Uniform in [0, 1) with 53 random bits. */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Standard normal (Box–Muller). */
  public double nextGaussian() {
    double u = 1 - nextDouble();
    double v = nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /**
   * An index i with probability p_i (p non-negative, summing to 1). One uniform draw per call;
   * an index of probability 0 is never returned, even when rounding leaves Σ p slightly below 1.
   */
  public int nextIndex(double[] p) {
    double u = nextDouble();
    int last = p.length - 1;
    while (last > 0 && p[last] == 0) {
      last--;
    }
    double cumulative = 0;
    for (int i = 0; i < last; i++) {
      cumulative += p[i];
      if (u < cumulative) {
        return i;
      }
    }
    return last;
  }

  public long state() {
    return state;
  }

  public void restore(long state) {
    this.state = state;
  }
}
