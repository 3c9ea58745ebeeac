package io.skillmix.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * MultiUAT's Monte-Carlo dropout falls on each layer's attention and MLP outputs before the
 * residual add, never on the residual stream itself (issue 18 #5), and is off unless asked.
 */
class SublayerDropoutTest {

  private static final ModelConfig CONFIG =
      new ModelConfig("llama", 259, 32, 64, 3, 2, 1, 16, 128, 10000.0, 1e-5, true, false, 257, 258);

  private static float[] lastLogits(LanguageModel model, long[] ids, CausalLM.Dropout dropout) {
    try (NDManager scope = model.manager().newSubManager()) {
      Shape shape = new Shape(1, ids.length);
      long[] mask = new long[ids.length];
      Arrays.fill(mask, 1);
      NDArray inputs = scope.create(ids, shape);
      NDArray attention = scope.create(mask, shape);
      NDArray logits = dropout == null ? model.forward(inputs, attention, null).get(0)
          : model.forwardWithDropout(inputs, attention, dropout).get(0);
      return logits.get(0, ids.length - 1).toFloatArray();
    }
  }

  @Test
  void theMaskFallsOnTwoSublayerOutputsPerLayerAndOnesChangeNothing() {
    try (LanguageModel model = LanguageModel.random(CONFIG, Device.cpu(), 4)) {
      List<Shape> shapes = new ArrayList<>();
      CausalLM.Dropout ones = (like, shape) -> {
        shapes.add(shape);
        return like.onesLike();
      };
      long[] ids = {5, 17, 42, 99, 7};
      float[] plain = lastLogits(model, ids, null);
      assertArrayEquals(plain, lastLogits(model, ids, ones), 0f);
      assertEquals(2 * CONFIG.numLayers(), shapes.size(), "attention and MLP output of every layer");
      shapes.forEach(s -> assertEquals(new Shape(1, ids.length, CONFIG.hiddenSize()), s));
    }
  }

  /**
   * With every sublayer output dropped, the residual stream still carries each token's embedding:
   * the last position's logits depend on its own token only. (Dropping the stream itself, as
   * before, would erase the token too.)
   */
  @Test
  void droppingEverySublayerLeavesTheResidualStream() {
    try (LanguageModel model = LanguageModel.random(CONFIG, Device.cpu(), 4)) {
      CausalLM.Dropout all = (like, shape) -> like.zerosLike();
      float[] a = lastLogits(model, new long[] {5, 17, 42, 99, 7}, all);
      float[] b = lastLogits(model, new long[] {200, 3, 7}, all);
      float[] c = lastLogits(model, new long[] {5, 17, 42, 99, 8}, all);
      assertArrayEquals(a, b, 1e-5f, "no context reaches a position when every branch is dropped");
      assertFalse(Arrays.equals(a, c), "but its own token does");
      assertFalse(Arrays.equals(a, lastLogits(model, new long[] {5, 17, 42, 99, 7}, null)));
    }
  }
}
