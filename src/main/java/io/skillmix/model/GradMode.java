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

  public static void disableOnThisThread() {
    if ("PyTorch".equals(Engine.getInstance().getEngineName()) && JniUtils.isGradMode()) {
      JniUtils.setGradMode(false);
    }
  }
}
