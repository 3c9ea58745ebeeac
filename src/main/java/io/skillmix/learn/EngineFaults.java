package io.skillmix.learn;

import io.skillmix.UserError;
import java.util.Locale;

/**
 * Turns the engine's errors that a user can fix into one clear line. Out of memory is the common
 * one: PyTorch says "CUDA out of memory" on a GPU and "DefaultCPUAllocator: can't allocate memory"
 * on the CPU; both come through DJL as an {@code EngineException} with torch's message.
 */
public final class EngineFaults {

  private EngineFaults() {}

  /** Logs a failed step: with its trace when unexpected, else at debug (the command line prints its one line). */
  static void log(org.slf4j.Logger log, long step, RuntimeException e) {
    if (userFacing(e)) {
      log.debug("training step {} failed", step, e);
    } else {
      log.error("training step {} failed", step, e);
    }
  }

  /**
   * Whether {@code e} is a failure the user acts on from its message alone (a {@link UserError}, a
   * file that cannot be written: a full disk, a failed checkpoint), so no stack trace goes before it.
   */
  public static boolean userFacing(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof io.skillmix.UserError || t instanceof java.io.IOException
          || t instanceof java.io.UncheckedIOException) {
        return true;
      }
    }
    return e.getMessage() != null && e.getMessage().startsWith("checkpoint at step ");
  }

  /**
   * @param batchSize sequences in the step that failed
   * @param sequenceLength tokens of its longest sequence
   * @return a {@link UserError} for an out-of-memory failure, otherwise {@code error} itself
   */
  public static RuntimeException explain(RuntimeException error, int batchSize, int sequenceLength) {
    if (!outOfMemory(error)) {
      return error;
    }
    return new UserError("out of memory on the device at batch size " + batchSize + " and sequence length "
        + sequenceLength + "; lower train.micro-batch-size (keeping train.batch-size) or data.max-length");
  }

  static boolean outOfMemory(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
      if (t instanceof OutOfMemoryError || message.contains("out of memory")
          || message.contains("can't allocate memory") || message.contains("cannot allocate memory")) {
        return true;
      }
    }
    return false;
  }
}
