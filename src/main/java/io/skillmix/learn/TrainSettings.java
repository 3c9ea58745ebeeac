package io.skillmix.learn;

/**
 * The training part of a run's settings ({@code train.*}): the optimizer, its schedule and the
 * batch. The learner's components read these and nothing else of the run's configuration.
 *
 * @param steps optimizer steps of the run; the learning-rate schedule spans them
 * @param batchSize sequences per optimizer step
 * @param microBatchSize sequences per forward/backward pass (gradients accumulate over the rest)
 * @param warmupFraction share of the steps with a linear warm-up of the learning rate
 * @param gradClip global gradient-norm limit; 0 turns clipping off
 * @param checkpointEvery steps between checkpoints
 * @param lossChunk response positions projected to the vocabulary at once ({@code train.loss-chunk});
 *     0, which the config refuses, makes benchmarks take the full-logits loss it replaced
 * @param activationCheckpointing recompute each decoder layer in the backward pass
 *     ({@code train.activation-checkpointing})
 * @param packing pack a step's examples into rows of {@code packLength} tokens, each example
 *     attending to itself only ({@code train.packing}); false: one example per row, padded
 * @param packLength tokens per packed row ({@code train.pack-length}); 0: as many as the step's
 *     longest example
 */
public record TrainSettings(long steps, int batchSize, int microBatchSize, double lr, double warmupFraction,
    double weightDecay, double beta1, double beta2, double eps, double gradClip, long checkpointEvery,
    int lossChunk, boolean activationCheckpointing, boolean packing, int packLength) {

  public TrainSettings {
    if (packLength < 0 || packLength == 1) {
      throw new IllegalArgumentException("packed rows need 0 (the longest example) or at least 2 tokens, got "
          + packLength);
    }
  }

  /** Padded, as before packing: one example per row. */
  public TrainSettings(long steps, int batchSize, int microBatchSize, double lr, double warmupFraction,
      double weightDecay, double beta1, double beta2, double eps, double gradClip, long checkpointEvery,
      int lossChunk, boolean activationCheckpointing) {
    this(steps, batchSize, microBatchSize, lr, warmupFraction, weightDecay, beta1, beta2, eps, gradClip,
        checkpointEvery, lossChunk, activationCheckpointing, false, 0);
  }

  /** The same settings, packed into rows of {@code rowLength} tokens (0: the step's longest example). */
  public TrainSettings packed(int rowLength) {
    return new TrainSettings(steps, batchSize, microBatchSize, lr, warmupFraction, weightDecay, beta1, beta2, eps,
        gradClip, checkpointEvery, lossChunk, activationCheckpointing, true, rowLength);
  }

  /** The same settings over {@code newSteps} steps (a run sized by {@code train.epochs}). */
  public TrainSettings withSteps(long newSteps) {
    return new TrainSettings(newSteps, batchSize, microBatchSize, lr, warmupFraction, weightDecay, beta1, beta2, eps,
        gradClip, checkpointEvery, lossChunk, activationCheckpointing, packing, packLength);
  }

  /** With the default loss chunk, no activation checkpointing, padded. */
  public TrainSettings(long steps, int batchSize, int microBatchSize, double lr, double warmupFraction,
      double weightDecay, double beta1, double beta2, double eps, double gradClip, long checkpointEvery) {
    this(steps, batchSize, microBatchSize, lr, warmupFraction, weightDecay, beta1, beta2, eps, gradClip,
        checkpointEvery, io.skillmix.model.ChunkedHead.DEFAULT_CHUNK, false);
  }
}
