package io.skillmix.mix;

import java.util.Arrays;

/**
 * A change of the learner's sampling probabilities: computed from the parameter snapshot taken
 * after {@code version} steps, in effect from step {@code effectiveStep}. Logged for every change,
 * so the staleness of each mixing decision is visible.
 *
 * @param probs one probability per dataset, summing to 1 (copied in and out: a record is a value)
 */
public record WeightUpdate(long version, long effectiveStep, double[] probs) {

  public WeightUpdate {
    if (version < 0 || effectiveStep < version) {
      throw new IllegalArgumentException("weights of snapshot " + version + " cannot take effect at step " + effectiveStep);
    }
    probs = probs.clone();
  }

  @Override
  public double[] probs() {
    return probs.clone();
  }

  /** Steps between the snapshot the weights were computed from and the step they took effect. */
  public long staleness() {
    return effectiveStep - version;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WeightUpdate w && w.version == version && w.effectiveStep == effectiveStep
        && Arrays.equals(w.probs, probs);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Long.hashCode(version) + Long.hashCode(effectiveStep)) + Arrays.hashCode(probs);
  }

  @Override
  public String toString() {
    return "WeightUpdate[version=" + version + ", effectiveStep=" + effectiveStep + ", probs=" + Arrays.toString(probs) + "]";
  }
}
