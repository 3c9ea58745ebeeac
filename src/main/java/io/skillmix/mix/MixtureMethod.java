package io.skillmix.mix;

import java.util.Locale;

/** How datasets are weighted ({@code mix.method}): a fixed prior, or probabilities learned from a reward. */
public enum MixtureMethod {
  /** By size: p_i = n_i / Σ n_j. */
  PROP(null),
  /** The temperature prior p_i ∝ n_i^(1/τ) ({@code mix.prior-temperature}). */
  TEMP(null),
  /** Uniform. */
  UNI(null),
  /** The probabilities the user gives ({@code mix.weights}), normalised. */
  FIXED(null),
  /** Mixture-of-Skills: a scorer learned from {@code mix.reward}. */
  MOS(null),
  /** The MultiDDS baseline: the MoS scorer on gradient similarity. */
  MULTIDDS("multidds"),
  /** The MultiUAT baseline: the MoS scorer on predictive uncertainty. */
  MULTIUAT("multiuat");

  /** The reward a baseline implies, or null (fixed priors; mos takes {@code mix.reward}). */
  private final String impliedReward;

  MixtureMethod(String impliedReward) {
    this.impliedReward = impliedReward;
  }

  /** Whether probabilities are learned during training (the others are fixed priors). */
  public boolean learned() {
    return this == MOS || impliedReward != null;
  }

  /**
   * Whether rewards are smoothed when {@code mix.ema = auto}: on for mos (the paper's Eq. 11, which
   * it finds always helps), off for the baselines, whose originals smooth nothing.
   */
  public boolean emaByDefault() {
    return this == MOS;
  }

  /** The reward this method trains with: a baseline's own, else {@code configured} ({@code mix.reward}). */
  public Reward reward(Reward configured) {
    return impliedReward == null ? configured : Rewards.named(impliedReward);
  }

  /** Its value in {@code mix.method}. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The method called {@code value}, or a UserError naming {@code key} and the choices. */
  public static MixtureMethod parse(String key, String value) {
    return Choices.parse(key, value, values());
  }

}
