package io.skillmix.run;

import io.skillmix.UserError;
import io.skillmix.learn.TrainSettings;
import io.skillmix.model.Devices;
import io.skillmix.model.ModelConfig;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * A lower bound on the memory one training step takes, checked against the machine's memory before
 * the run starts: {@code train.batch-size = 100000} grew to 24 GB and the OOM killer took it with no
 * message (issue 33 B5). Only what is certainly allocated counts, so that a step that fits is never
 * refused: the weights in F32, and for one micro-batch of full-length rows the hidden states every
 * decoder layer keeps for the backward pass (one layer's with activation checkpointing) and one
 * layer's attention scores.
 */
final class StepMemory {

  /** Floats per token and hidden unit a layer keeps for backward at least: its input, attention and MLP outputs. */
  private static final int KEPT_PER_LAYER = 4;

  private StepMemory() {}

  /** Bytes at least, as a double: the settings may be absurd enough to overflow a long. */
  static double lowerBound(ModelConfig model, TrainSettings train, int maxLength) {
    double tokens = (double) train.microBatchSize() * (train.packing() && train.packLength() > 0 ? train.packLength() : maxLength);
    double layersKept = train.activationCheckpointing() ? 1 : model.numLayers();
    double activations = tokens * model.hiddenSize() * KEPT_PER_LAYER * layersKept * Float.BYTES;
    double rows = train.microBatchSize();
    double scores = rows * model.numHeads() * (double) maxLength * maxLength * Float.BYTES;
    double weights = (double) model.parameterCount() * Float.BYTES;
    return activations + scores + weights;
  }

  /** Refuses settings whose step cannot fit into this machine's memory (CPU learners; a GPU's own limit is its own). */
  static void check(RunSettings settings, ModelConfig model) {
    if (!Devices.isCpu(settings.learnerDevice())) {
      return;
    }
    long total = totalMemory();
    if (total <= 0) {
      return;
    }
    TrainSettings train = settings.train();
    double need = lowerBound(model, train, settings.data().maxLength());
    if (need > total) {
      throw new UserError(String.format(Locale.ROOT, "train.micro-batch-size = %d (train.batch-size = %d) at"
          + " data.max-length = %d needs at least %.1f GB for one step, more than this machine's %.1f GB; lower"
          + " train.micro-batch-size (gradients accumulate to train.batch-size) or data.max-length",
          train.microBatchSize(), train.batchSize(), settings.data().maxLength(), need / 1e9, total / 1e9));
    }
  }

  private static long totalMemory() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return -1;
  }
}
