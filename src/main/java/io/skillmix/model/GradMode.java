package io.skillmix.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Torch records autograd graphs per thread, and a new thread starts with recording on; DJL turns
 * it off only on the thread that starts the engine. Actors run DJL on their own threads, so each
 * inference path turns recording off for its thread: no graph kept for forward passes that are
 * never differentiated, and in-place updates of parameters are allowed. A gradient collector
 * turns it on for its own scope and restores it after.
 */
public final class GradMode {

  private GradMode() {}

  /**
   * Backpropagates {@code loss()} on this thread alone, without DJL's gradient collector (one of
   * which may be open at a time in the whole JVM, and the learner holds it): recording is turned on
   * for the forward pass inside {@code loss} and off again after. Gradients accumulate into the
   * parameters' {@code getGradient()}.
   */
  public static void backward(java.util.function.Supplier<ai.djl.ndarray.NDArray> loss) {
    if (!"PyTorch".equals(Engine.getInstance().getEngineName())) {
      throw new UnsupportedOperationException("thread-local gradients need the PyTorch engine");
    }
    JniUtils.setGradMode(true);
    try {
      ai.djl.ndarray.NDArray value = loss.get();
      ai.djl.ndarray.NDArray seed = value.onesLike();
      JniUtils.backward((ai.djl.pytorch.engine.PtNDArray) value, (ai.djl.pytorch.engine.PtNDArray) seed,
          false, false);
    } finally {
      JniUtils.setGradMode(false);
    }
  }

  public static void disableOnThisThread() {
    if ("PyTorch".equals(Engine.getInstance().getEngineName()) && JniUtils.isGradMode()) {
      JniUtils.setGradMode(false);
    }
  }

  /** Runs {@code body} with autograd recording on for this thread, off again after. */
  public static void recording(Runnable body) {
    JniUtils.setGradMode(true);
    try {
      body.run();
    } finally {
      JniUtils.setGradMode(false);
    }
  }
}
