package io.skillmix.model;

import java.util.Map;

/**
 * The learner's parameters after {@code version} steps, as plain arrays by Hugging Face name:
 * what the reward evaluator rebuilds its replica from. No tensor crosses an actor boundary.
 */
public record ParameterSnapshot(long version, Map<String, float[]> weights) {

  public ParameterSnapshot {
    weights = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(weights));
  }

  public long floatCount() {
    long n = 0;
    for (float[] w : weights.values()) {
      n += w.length;
    }
    return n;
  }
}
