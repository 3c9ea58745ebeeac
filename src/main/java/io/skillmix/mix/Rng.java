package io.skillmix.mix;

/**
 * SplitMix64: a small generator whose whole state is one long, so a checkpoint restores the exact
 * sequence of draws.
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

  public long state() {
    return state;
  }

  public void restore(long state) {
    this.state = state;
  }
}
