package io.skillmix.learn;

import io.skillmix.metrics.WeightUpdate;
import io.skillmix.mix.MixturePolicy;
import io.skillmix.mix.MixtureSampler;
import java.util.List;

/**
 * The learner's part of a checkpoint (θ and the optimizer are the trainer's files): the step, the
 * sampler's RNG, the probabilities in effect, the updates received but not yet in effect
 * ({@code pending}, each with the step it takes effect at), and the training losses of the steps
 * since the policy's last observation ({@code unobserved}; null in checkpoints from before policies
 * read them).
 */
public record LearnerState(long step, MixtureSampler.State sampler, double[] probabilities, long version,
    List<WeightUpdate> pending, long skippedUpdates, List<MixturePolicy.StepLosses> unobserved) {

  /** Without training losses to carry over. */
  public LearnerState(long step, MixtureSampler.State sampler, double[] probabilities, long version,
      List<WeightUpdate> pending, long skippedUpdates) {
    this(step, sampler, probabilities, version, pending, skippedUpdates, List.of());
  }
}
