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
 */
public record TrainSettings(long steps, int batchSize, int microBatchSize, double lr, double warmupFraction,
    double weightDecay, double beta1, double beta2, double eps, double gradClip, long checkpointEvery) {}
