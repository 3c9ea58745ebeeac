package io.skillmix.learn;

import io.skillmix.model.ModelInputs;
import io.skillmix.model.SftLoss;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.skillmix.data.TokenizedExample;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingPiecesTest {

  @Test
  void shiftPadsAndMarksOnlyResponseTargets() {
    TokenizedExample a = new TokenizedExample(new int[] {5, 6, 7, 8}, new boolean[] {false, false, true, true});
    TokenizedExample b = new TokenizedExample(new int[] {9, 10}, new boolean[] {false, true});
    ModelInputs.Rows in = ModelInputs.padded(0).shifted(List.of(a, b));
    assertEquals(2, in.batch());
    assertEquals(3, in.length());
    assertArrayEquals(new long[] {5, 6, 7, 9, 0, 0}, in.inputIds());
    assertArrayEquals(new long[] {1, 1, 1, 1, 0, 0}, in.attentionMask());
    assertArrayEquals(new long[] {6, 7, 8, 10, 0, 0}, in.targets());
    assertArrayEquals(new float[] {0, 1, 1, 1, 0, 0}, in.weights());
    assertEquals(3, in.countedTokens());
    assertEquals(2, SftLoss.countedTokens(a));
  }

  @Test
  void lossIsTheMeanNllOfCountedPositionsAndMaskedOnesGetNoGradient() {
    try (NDManager m = NDManager.newBaseManager()) {
      float[] values = {0.1f, 2f, -1f, 0.5f, 0.5f, 0.5f, 3f, 0f, 1f, -2f, 1f, 0f};
      NDArray logits = m.create(values, new Shape(1, 4, 3));
      logits.setRequiresGradient(true);
      NDArray targets = m.create(new long[] {1, 2, 0, 1}, new Shape(1, 4));
      NDArray weights = m.create(new float[] {0, 1, 1, 0}, new Shape(1, 4));
      double expected = 0;
      int[] t = {1, 2, 0, 1};
      for (int pos : new int[] {1, 2}) {
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < 3; v++) {
          max = Math.max(max, values[pos * 3 + v]);
        }
        double sum = 0;
        for (int v = 0; v < 3; v++) {
          sum += Math.exp(values[pos * 3 + v] - max);
        }
        expected += -(values[pos * 3 + t[pos]] - max - Math.log(sum)) / 2;
      }
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray loss = SftLoss.compute(logits, targets, weights);
        assertEquals(expected, loss.getFloat(), 1e-6);
        collector.backward(loss);
      }
      float[] grad = logits.getGradient().toFloatArray();
      for (int pos = 0; pos < 4; pos++) {
        double norm = 0;
        for (int v = 0; v < 3; v++) {
          norm += Math.abs(grad[pos * 3 + v]);
        }
        if (pos == 0 || pos == 3) {
          assertEquals(0.0, norm, 0.0, "masked position " + pos);
        } else {
          assertTrue(norm > 1e-3, "counted position " + pos);
        }
      }
      NDArray none = SftLoss.compute(logits, targets, m.zeros(new Shape(1, 4)));
      assertEquals(0f, Math.abs(none.getFloat()));
    }
  }

  @Test
  void adamWMatchesHandComputedSteps() {
    double lr = 0.1;
    double b1 = 0.9;
    double b2 = 0.95;
    double eps = 1e-8;
    double wd = 0.1;
    double[] w = {0.5, -1.0, 2.0};
    double[] b = {0.3};
    double[][] gw = {{0.1, -0.2, 0.3}, {-0.4, 0.1, 0.0}, {0.2, 0.2, -0.5}};
    double[][] gb = {{1.0}, {-0.5}, {0.25}};
    try (NDManager m = NDManager.newBaseManager();
        AdamW adam = new AdamW(new AdamW.Settings(b1, b2, eps, wd))) {
      NDArray weight = m.create(new float[] {0.5f, -1f, 2f});
      NDArray bias = m.create(new float[] {0.3f});
      weight.setRequiresGradient(true);
      bias.setRequiresGradient(true);
      List<AdamW.Param> params = List.of(new AdamW.Param("w", weight, true), new AdamW.Param("b", bias, false));
      double[] mw = new double[3];
      double[] vw = new double[3];
      double[] mb = new double[1];
      double[] vb = new double[1];
      for (int step = 1; step <= 3; step++) {
        NDArray cw = m.create(toFloats(gw[step - 1]));
        NDArray cb = m.create(toFloats(gb[step - 1]));
        // Make the gradients exactly gw/gb: d(sum(w·c))/dw = c.
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          collector.backward(weight.mul(cw).sum().add(bias.mul(cb).sum()));
        }
        adam.step(params, (float) lr);
        zero(weight);
        zero(bias);
        reference(w, gw[step - 1], mw, vw, step, lr, b1, b2, eps, wd);
        reference(b, gb[step - 1], mb, vb, step, lr, b1, b2, eps, 0);
        assertArrayEquals(toFloats(w), weight.toFloatArray(), 1e-6f, "weights after step " + step);
        assertArrayEquals(toFloats(b), bias.toFloatArray(), 1e-6f, "bias after step " + step);
      }
      assertEquals(3, adam.stepCount());
    }
  }

  private static void reference(double[] p, double[] g, double[] m, double[] v, int t, double lr,
      double b1, double b2, double eps, double wd) {
    for (int i = 0; i < p.length; i++) {
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      double mhat = m[i] / (1 - Math.pow(b1, t));
      double vhat = v[i] / (1 - Math.pow(b2, t));
      p[i] = p[i] - lr * wd * p[i] - lr * mhat / (Math.sqrt(vhat) + eps);
    }
  }

  private static void zero(NDArray param) {
    param.getGradient().set(new ai.djl.ndarray.index.NDIndex("..."), 0f);
  }

  private static float[] toFloats(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  @Test
  void scheduleWarmsUpLinearlyThenDecaysToZero() {
    LrSchedule s = new LrSchedule(1.0, 4, 10);
    assertEquals(0.25, s.lr(0), 1e-12);
    assertEquals(1.0, s.lr(3), 1e-12);
    assertEquals(1.0, s.lr(4), 1e-12);
    assertEquals(0.5, s.lr(7), 1e-12);
    assertEquals(1.0 / 6, s.lr(9), 1e-12);
    assertEquals(0.0, s.lr(10), 1e-12);
    assertEquals(0.0, s.lr(12), 1e-12);
    assertEquals(1.0, new LrSchedule(1.0, 0, 10).lr(0), 1e-12);
  }

  @Test
  void clippingScalesAllGradientsByTheGlobalNorm() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.create(new float[] {3, 0});
      NDArray b = m.create(new float[] {0, 4});
      float norm = GradClip.clipByGlobalNorm(List.of(a, b), 1f);
      assertEquals(5f, norm, 1e-6f);
      assertArrayEquals(new float[] {0.6f, 0}, a.toFloatArray(), 1e-5f);
      assertArrayEquals(new float[] {0, 0.8f}, b.toFloatArray(), 1e-5f);
      float small = GradClip.clipByGlobalNorm(List.of(a, b), 10f);
      assertEquals(1f, small, 1e-5f);
      assertArrayEquals(new float[] {0.6f, 0}, a.toFloatArray(), 1e-5f);
      NDArray bad = m.create(new float[] {Float.NaN});
      assertTrue(Float.isNaN(GradClip.clipByGlobalNorm(List.of(a, bad), 1f)));
    }
  }

  @Test
  void gradientsAccumulateAcrossBackwardPasses() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray w = m.create(new float[] {1, 2}).toType(DataType.FLOAT32, false);
      w.setRequiresGradient(true);
      for (int i = 0; i < 2; i++) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          collector.backward(w.mul(m.create(new float[] {3, 5})).sum());
        }
      }
      assertArrayEquals(new float[] {6, 10}, w.getGradient().toFloatArray());
    }
  }
}
