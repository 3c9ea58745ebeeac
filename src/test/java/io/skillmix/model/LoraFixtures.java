package io.skillmix.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.Random;

/** What LoRA tests share: logits of a fixed padded batch, and adapters with B ≠ 0. */
public final class LoraFixtures {

  private LoraFixtures() {}

  /** Logits of a left-padded batch of two, as floats. */
  public static float[] logits(LanguageModel model) {
    GradMode.disableOnThisThread();
    try (NDManager scope = model.manager().newSubManager()) {
      long[] ids = {5, 9, 3, 7, 11, 2, 0, 0, 4, 8, 12, 6};
      long[] mask = {1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1};
      NDArray out = model.forward(scope.create(ids, new Shape(2, 6)), scope.create(mask, new Shape(2, 6)), null).get(0);
      return out.toFloatArray();
    }
  }

  public static double maxDifference(float[] a, float[] b) {
    assertEquals(a.length, b.length);
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  /** B drawn at random (B = 0 at initialisation would make merging trivially exact). */
  public static void randomiseAdapters(LanguageModel model, long seed) {
    Random random = new Random(seed);
    Map<String, float[]> adapters = model.exportTrainable();
    adapters.replaceAll((name, values) -> {
      float[] v = new float[values.length];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (random.nextGaussian() * 0.05);
      }
      return v;
    });
    model.importWeights(adapters);
  }

}
