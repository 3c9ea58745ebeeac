package io.skillmix.merge;

import java.nio.file.Path;
import java.util.List;

/**
 * What to merge and where.
 *
 * @param base the model the inputs were fine-tuned from: required by select-resample, otherwise
 *     only checked for compatibility and recorded; may be null
 * @param weights one non-negative weight per input, or null for uniform. They are normalised to sum
 *     to 1, so {@code 1,3} and {@code 0.25,0.75} mean the same.
 * @param seed seeds the draws of select and select-resample (recorded, unused by average)
 * @param overwrite replace an existing non-empty {@code out}, if an earlier merge wrote it
 */
public record MergeRequest(MergeMethod method, List<Path> inputs, Path base, double[] weights, long seed,
    Path out, boolean overwrite) {

  public MergeRequest {
    inputs = List.copyOf(inputs);
    weights = weights == null ? null : weights.clone();
  }

  @Override
  public double[] weights() {
    return weights == null ? null : weights.clone();
  }
}
