package io.skillmix.mix;

import io.skillmix.UserError;
import java.util.Arrays;

/**
 * Reward smoothing (MoS Eq. 11): R̂_i ← α·R_i + (1−α)·R̂_i, α the weight of the NEW reward (0.9 in
 * the paper), R̂ starting at 1. Disabled (a policy's {@code ema = false}), R̂ = R.
 */
public final class RewardEma {

  private final double alpha;
  private final boolean enabled;
  private double[] smoothed;

  /**
   * @param n the number of datasets
   * @param alpha a policy's {@code ema-alpha}, in (0, 1]
   * @param enabled a policy's {@code ema}
   */
  public RewardEma(int n, double alpha, boolean enabled) {
    if (enabled && !(alpha > 0 && alpha <= 1)) {
      throw new UserError("ema-alpha = " + alpha + " must be in (0, 1]: the weight of the new reward (0.9 in the paper)");
    }
    this.alpha = alpha;
    this.enabled = enabled;
    this.smoothed = new double[n];
    Arrays.fill(smoothed, 1.0);
  }

  /** Folds in new rewards and returns the smoothed ones (a fresh array). */
  public double[] update(double[] rewards) {
    if (rewards.length != smoothed.length) {
      throw new IllegalArgumentException(rewards.length + " rewards for " + smoothed.length + " datasets");
    }
    if (!enabled) {
      smoothed = rewards.clone();
      return smoothed.clone();
    }
    for (int i = 0; i < smoothed.length; i++) {
      smoothed[i] = alpha * rewards[i] + (1 - alpha) * smoothed[i];
    }
    return smoothed.clone();
  }

  /** The current R̂ (a fresh array). */
  public double[] smoothed() {
    return smoothed.clone();
  }

  /** R̂, all the state there is (α and the switch come from the config). */
  public double[] exportState() {
    return smoothed.clone();
  }

  public void importState(double[] state) {
    if (state.length != smoothed.length) {
      throw new IllegalArgumentException("reward EMA state for " + state.length + " datasets, not " + smoothed.length);
    }
    smoothed = state.clone();
  }
}
