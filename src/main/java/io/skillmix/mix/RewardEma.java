package io.skillmix.mix;

import java.util.Arrays;

/**
 * Reward smoothing (MoS Eq. 11): R̂_i ← α·R_i + (1−α)·R̂_i, α the weight of the new reward,
 * R̂ starting at 1. Disabled, R̂ = R.
 */
public final class RewardEma {

  private final double alpha;
  private final boolean enabled;
  private double[] smoothed;

  public RewardEma(int n, double alpha, boolean enabled) {
    this.alpha = alpha;
    this.enabled = enabled;
    this.smoothed = new double[n];
    Arrays.fill(smoothed, 1.0);
  }

  /** Folds in new rewards and returns the smoothed ones. */
  public double[] update(double[] rewards) {
    if (!enabled) {
      smoothed = rewards.clone();
      return smoothed.clone();
    }
    for (int i = 0; i < smoothed.length; i++) {
      smoothed[i] = alpha * rewards[i] + (1 - alpha) * smoothed[i];
    }
    return smoothed.clone();
  }

  public double[] exportState() {
    return smoothed.clone();
  }

  public void importState(double[] state) {
    smoothed = state.clone();
  }
}
