package io.skillmix.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Torch's intra-op thread count belongs to the calling thread (its OpenMP and MKL settings), and a
 * thread that has not set one starts from the count set last anywhere in the process. So each role
 * pins its own count on the thread it computes on, just before computing: the learner with
 * {@code devices.threads}, the reward evaluator with {@code devices.evaluator-threads}. On a CPU the
 * evaluator computes beside the learner, and fewer threads for it means less contention for cores.
 */
public final class TorchThreads {

  private TorchThreads() {}

  /** The count the JVM was started with ({@code -Dai.djl.pytorch.num_threads}, else one per core). */
  public static int startup() {
    String configured = System.getProperty("ai.djl.pytorch.num_threads");
    if (configured != null && !configured.isBlank()) {
      try {
        int n = Integer.parseInt(configured.trim());
        if (n > 0) {
          return n;
        }
      } catch (NumberFormatException e) {
        // DJL ignores a malformed value too
      }
    }
    return Runtime.getRuntime().availableProcessors();
  }

  /** Sets this thread's intra-op thread count; 0 or less leaves it as it is. */
  public static void pin(int threads) {
    if (threads <= 0 || !"PyTorch".equals(Engine.getInstance().getEngineName())) {
      return;
    }
    if (JniUtils.getNumThreads() != threads) {
      JniUtils.setNumThreads(threads);
    }
  }

  /** This thread's intra-op thread count. */
  public static int current() {
    return JniUtils.getNumThreads();
  }
}
