package io.skillmix.learn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;

/** Clipping by global norm: all gradients scaled together when their joint L2 norm is too large. */
public final class GradClip {

  private GradClip() {}

  /**
   * @param maxNorm clip threshold; 0 or less only measures
   * @return the global norm before clipping (NaN or infinite when a gradient is not finite)
   */
  public static float clipByGlobalNorm(List<NDArray> grads, float maxNorm) {
    if (grads.isEmpty()) {
      return 0f;
    }
    float norm;
    try (NDManager scope = grads.get(0).getManager().newSubManager()) {
      NDList squares = new NDList(grads.size());
      for (NDArray g : grads) {
        NDArray square = g.square();
        square.attach(scope); // results attach to the receiver's manager: keep them in the scope
        squares.add(square.sum().reshape(1));
      }
      norm = (float) Math.sqrt(ai.djl.ndarray.NDArrays.concat(squares).sum().getFloat()); // one host sync
    }
    if (maxNorm > 0 && Float.isFinite(norm) && norm > maxNorm) {
      float scale = maxNorm / (norm + 1e-6f);
      for (NDArray g : grads) {
        g.muli(scale);
      }
    }
    return norm;
  }
}
