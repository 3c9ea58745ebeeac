package io.skillmix.learn;

import io.skillmix.metrics.WeightUpdate;
import io.skillmix.mix.MixtureSampler;
import java.util.List;

/**
 * The learner's part of a checkpoint (θ and the optimizer are the trainer's files): the step, the
 * sampler's RNG, the probabilities in effect and the updates received but not yet in effect
 * ({@code pending}, each with the step it takes effect at).
 */
public record LearnerState(long step, MixtureSampler.State sampler, double[] probabilities, long version,
    List<WeightUpdate> pending, long skippedUpdates) {}
