package io.skillmix.metrics;

import java.util.Arrays;

/**
 * The one record of a change of the learner's sampling probabilities: computed from the parameter
 * snapshot taken after {@code version} steps, in effect from step {@code effectiveStep}. The
 * learner keeps the ones waiting for their step in its checkpoint, puts each into effect, and
 * the metrics sink writes it as a line of {@code weights.jsonl}, so the staleness of each mixing
 * decision is visible. It lives in {@code metrics}, the lowest package that every user (mix,
 * learn, compare, the sink) may import.
 *
 * <p>Its component names are the checkpoint's JSON field names ({@code effectiveStep},
 * {@code version}, {@code probabilities}, as the learner's pending updates were always written).
 *
 * @param probabilities one probability per dataset, summing to 1 (copied in and out: a record is a value)
 */
public record WeightUpdate(long version, long effectiveStep, double[] probabilities) {

  public WeightUpdate {
    if (version < 0 || effectiveStep < version) {
      throw new IllegalArgumentException("weights of snapshot " + version + " cannot take effect at step " + effectiveStep);
    }
    probabilities = probabilities.clone();
  }

  @Override
  public double[] probabilities() {
    return probabilities.clone();
  }

  /** Steps between the snapshot the weights were computed from and the step they took effect. */
  public long staleness() {
    return effectiveStep - version;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WeightUpdate w && w.version == version && w.effectiveStep == effectiveStep
        && Arrays.equals(w.probabilities, probabilities);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Long.hashCode(version) + Long.hashCode(effectiveStep)) + Arrays.hashCode(probabilities);
  }

  @Override
  public String toString() {
    return "WeightUpdate[version=" + version + ", effectiveStep=" + effectiveStep + ", probabilities="
        + Arrays.toString(probabilities) + "]";
  }
}
