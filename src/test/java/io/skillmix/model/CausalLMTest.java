package io.skillmix.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CausalLMTest {

  private static ModelConfig fixture(String name) {
    return ModelFixtures.byName(name);
  }

  /** Logits (T, V) of one unpadded sequence. */
  private static float[][] logits(LanguageModel model, long[] ids) {
    return logits(model, new long[][] {ids}, new long[][] {ones(ids.length)})[0];
  }

  private static float[][][] logits(LanguageModel model, long[][] ids, long[][] mask) {
    int b = ids.length;
    int t = ids[0].length;
    try (NDManager scope = model.manager().newSubManager()) {
      NDArray idArray = scope.create(flat(ids), new Shape(b, t));
      NDArray maskArray = scope.create(flat(mask), new Shape(b, t));
      NDList out = model.forward(idArray, maskArray, null);
      float[] values = out.get(0).toFloatArray();
      int v = model.config().vocabSize();
      float[][][] result = new float[b][t][v];
      for (int i = 0; i < b; i++) {
        for (int j = 0; j < t; j++) {
          System.arraycopy(values, (i * t + j) * v, result[i][j], 0, v);
        }
      }
      return result;
    }
  }

  static long[] flat(long[][] rows) {
    return Arrays.stream(rows).flatMapToLong(Arrays::stream).toArray();
  }

  static long[] ones(int n) {
    long[] a = new long[n];
    Arrays.fill(a, 1);
    return a;
  }

  private static void assertClose(float[] expected, float[] actual, float tolerance) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], tolerance, "at " + i);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2", "qwen3", "mistral", "gemma2", "gemma3", "phi3", "llama3"})
  void parameterCountMatchesTheFormula(String name) {
    try (LanguageModel model = LanguageModel.random(fixture(name), Device.cpu(), 1)) {
      assertEquals(model.config().parameterCount(), model.parameterCount());
    }
  }

  @Test
  void presetsHaveTheDocumentedSizes() {
    for (String preset : new String[] {"tiny", "small"}) {
      ModelConfig config = ModelConfig.preset(preset);
      try (LanguageModel model = LanguageModel.random(config, Device.cpu(), 1)) {
        assertEquals(config.parameterCount(), model.parameterCount(), preset);
      }
    }
    long tiny = ModelConfig.preset("tiny").parameterCount();
    long small = ModelConfig.preset("small").parameterCount();
    assertTrue(tiny > 300_000 && tiny < 3_000_000, "tiny has " + tiny);
    assertTrue(small > 20_000_000 && small < 30_000_000, "small has " + small);
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2", "qwen3", "mistral", "gemma2", "gemma3", "phi3", "llama3"})
  void changingALaterTokenNeverChangesEarlierLogits(String name) {
    try (LanguageModel model = LanguageModel.random(fixture(name), Device.cpu(), 2)) {
      long[] ids = {3, 14, 15, 9, 26, 5, 35, 8};
      float[][] before = logits(model, ids);
      ids[5] = 42;
      float[][] after = logits(model, ids);
      for (int t = 0; t < 5; t++) {
        assertArrayEquals(before[t], after[t], "position " + t);
      }
      assertTrue(Math.abs(before[5][0] - after[5][0]) > 1e-6, "position 5 must change");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2", "qwen3", "mistral", "gemma2", "gemma3", "phi3", "llama3"})
  void aSequenceHasTheSameLogitsAloneAndPaddedInABatch(String name) {
    try (LanguageModel model = LanguageModel.random(fixture(name), Device.cpu(), 3)) {
      long[] shortSeq = {7, 8, 9, 10};
      long[] longSeq = {11, 12, 13, 14, 15, 16, 17};
      float[][] alone = logits(model, shortSeq);
      float[][] longAlone = logits(model, longSeq);
      // Right padding (training batches) and left padding (generation batches).
      long[][] right = {{7, 8, 9, 10, 0, 0, 0}, longSeq};
      long[][] rightMask = {{1, 1, 1, 1, 0, 0, 0}, ones(7)};
      long[][] left = {{0, 0, 0, 7, 8, 9, 10}, longSeq};
      long[][] leftMask = {{0, 0, 0, 1, 1, 1, 1}, ones(7)};
      float[][][] r = logits(model, right, rightMask);
      float[][][] l = logits(model, left, leftMask);
      for (int t = 0; t < 4; t++) {
        assertClose(alone[t], r[0][t], 1e-5f);
        assertClose(alone[t], l[0][3 + t], 1e-5f);
      }
      for (int t = 0; t < 7; t++) {
        assertClose(longAlone[t], r[1][t], 1e-5f);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2", "qwen3", "mistral", "gemma2", "gemma3", "phi3", "llama3"})
  void cachedGenerationEqualsRecomputingTheFullForwardPass(String name) {
    try (LanguageModel model = LanguageModel.random(fixture(name), Device.cpu(), 4)) {
      int[][] prompts = {{5, 6, 7}, {8, 9, 10, 11, 12}};
      int steps = 6;
      int[][] cached = Generator.generate(model, prompts, Generator.Settings.greedy(steps, -1));
      for (int i = 0; i < prompts.length; i++) {
        long[] seq = Arrays.stream(prompts[i]).asLongStream().toArray();
        int[] expected = new int[steps];
        for (int n = 0; n < steps; n++) {
          float[][] full = logits(model, seq);
          expected[n] = argMax(full[full.length - 1]);
          seq = Arrays.copyOf(seq, seq.length + 1);
          seq[seq.length - 1] = expected[n];
        }
        assertArrayEquals(expected, cached[i], "prompt " + i);
      }
    }
  }

  @Test
  void incrementalLogitsEqualFullLogits() {
    try (LanguageModel model = LanguageModel.random(ModelFixtures.llama(), Device.cpu(), 5);
        NDManager scope = model.manager().newSubManager();
        KvCache cache = new KvCache(scope, model.config().numLayers())) {
      long[] ids = {4, 8, 15, 16, 23, 42};
      float[][] full = logits(model, ids);
      // Feed 4 tokens, then one at a time.
      NDArray first = scope.create(Arrays.copyOf(ids, 4), new Shape(1, 4));
      NDList out = model.forward(first, scope.create(ones(4), new Shape(1, 4)), cache);
      assertClose(full[3], out.get(0).get(":, -1, :").toFloatArray(), 1e-5f);
      for (int t = 4; t < ids.length; t++) {
        NDArray next = scope.create(new long[] {ids[t]}, new Shape(1, 1));
        out = model.forward(next, scope.create(ones(t + 1), new Shape(1, t + 1)), cache);
        assertClose(full[t], out.get(0).get(":, -1, :").toFloatArray(), 1e-5f);
      }
    }
  }

  /** Backpropagation agrees with central finite differences (float64, so the check is tight). */
  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2", "qwen3", "mistral", "gemma2", "gemma3", "phi3", "llama3"})
  void gradientsMatchFiniteDifferences(String name) {
    ModelConfig config = fixture(name);
    long[][] ids = {{3, 1, 4, 1, 5, 9}, {2, 6, 5, 3, 0, 0}};
    long[][] mask = {ones(6), {1, 1, 1, 1, 0, 0}};
    Random random = new Random(7);
    double[] r = new double[2 * 6 * config.vocabSize()];
    for (int i = 0; i < r.length; i++) {
      r[i] = random.nextGaussian();
    }
    try (LanguageModel model = LanguageModel.random(config, Device.cpu(), 6, DataType.FLOAT64)) {
      // A scalar of every real position's logits; padded positions are left out, as in SFT.
      java.util.function.Function<NDManager, NDArray> objective = scope -> {
        NDArray maskArray = scope.create(flat(mask), new Shape(2, 6));
        NDArray logits = model.forward(scope.create(flat(ids), new Shape(2, 6)), maskArray, null).get(0);
        NDArray positionWeights = maskArray.toType(DataType.FLOAT64, false).expandDims(-1);
        return logits.mul(scope.create(r, new Shape(2, 6, config.vocabSize()))).mul(positionWeights).sum();
      };
      java.util.function.DoubleSupplier loss = () -> {
        try (NDManager scope = model.manager().newSubManager()) {
          return objective.apply(scope).getDouble();
        }
      };
      // One backward pass: gradients accumulate across passes.
      try (NDManager scope = model.manager().newSubManager();
          GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        collector.backward(objective.apply(scope));
      }
      for (LanguageModel.NamedParameter p : model.parameters()) {
        NDArray param = p.array();
        double[] analytic = param.getGradient().toDoubleArray();
        double[] values = param.toDoubleArray();
        for (int k : new int[] {0, values.length / 2, values.length - 1}) {
          double h = 1e-6;
          double saved = values[k];
          values[k] = saved + h;
          setAll(param, values);
          double plus = loss.getAsDouble();
          values[k] = saved - h;
          setAll(param, values);
          double minus = loss.getAsDouble();
          values[k] = saved;
          setAll(param, values);
          double numeric = (plus - minus) / (2 * h);
          assertEquals(numeric, analytic[k], 1e-6 + 1e-5 * Math.abs(numeric), p.name() + "[" + k + "]");
        }
      }
    }
  }

  private static void setAll(NDArray param, double[] values) {
    param.set(java.nio.DoubleBuffer.wrap(values));
  }

  private static int argMax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }
}
