package io.skillmix.learn;

import io.skillmix.mix.MixtureSampler;
import java.util.List;

/**
 * The learner's part of a checkpoint (θ and the optimizer are the trainer's files): the step, the
 * sampler's RNG, the probabilities in effect and those waiting for their step.
 */
public record LearnerState(long step, MixtureSampler.State sampler, double[] probabilities, long version,
    List<LearnerState.PendingUpdate> pending, long skippedUpdates) {

  /** A probability update received but not yet in effect. */
  public record PendingUpdate(long effectiveStep, long version, double[] probabilities) {}

}
