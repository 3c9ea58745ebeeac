package io.skillmix.learn;

import io.skillmix.model.SftLoss;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.skillmix.data.TokenizedExample;
import io.skillmix.model.GradMode;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelConfig;
import io.skillmix.model.ModelInputs;
import io.skillmix.model.Variant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The chunked loss against the full (batch, length, vocabulary) computation it replaces. */
class ChunkedLossTest {

  /** The loss as it was computed before chunking: log-softmax over every position's logits. */
  private static NDArray fullLoss(NDArray logits, NDArray targets, NDArray weights) {
    NDArray logProbs = logits.logSoftmax(-1);
    NDArray picked = logProbs.gather(targets.expandDims(-1), -1).squeeze(-1); // (B, T)
    NDArray total = picked.mul(weights).sum().neg();
    return total.div(weights.sum().maximum(1f));
  }

  private record Result(double loss, Map<String, double[]> grads) {}

  @Test
  void tinyPresetFloat32MatchesTheFullComputation() {
    compare(ModelConfig.preset("tiny"), DataType.FLOAT32, 1e-6);
  }

  @Test
  void tinyPresetFloat64MatchesToRounding() {
    compare(ModelConfig.preset("tiny"), DataType.FLOAT64, 1e-12);
  }

  @Test
  void softCappedUntiedHeadMatchesTheFullComputation() {
    // Gemma 2's final soft-capping sits between the head and the log-softmax; an untied lm_head.
    ModelConfig gemma = new ModelConfig("gemma2", 97, 32, 48, 2, 4, 2, 8, 64, 10000.0, 1e-6, false, false, 1, 2,
        new Variant(Variant.GELU_TANH, false, true, 8, 20, 3, 4, 2, 0, null, false));
    compare(gemma, DataType.FLOAT64, 1e-12);
  }

  @Test
  void noCountedPositionGivesZeroAndZeroGradients() {
    try (LanguageModel model = LanguageModel.random(ModelConfig.preset("tiny"), Device.cpu(), 3)) {
      TokenizedExample e = new TokenizedExample(new int[] {5, 6, 7}, new boolean[] {false, false, false});
      Result r = run(model, ModelInputs.padded(0).shifted(List.of(e)), 4, false);
      assertEquals(0.0, r.loss(), 0.0);
      for (double[] g : r.grads().values()) {
        for (double v : g) {
          assertEquals(0.0, v, 0.0);
        }
      }
    }
  }

  private static void compare(ModelConfig config, DataType dtype, double tolerance) {
    try (LanguageModel model = LanguageModel.random(config, Device.cpu(), 11, dtype)) {
      ModelInputs.Rows in = ModelInputs.padded(0).shifted(examples(config.vocabSize()));
      Result full = run(model, in, 0, true);
      for (int chunk : new int[] {1, 7, 4096}) {
        Result chunked = run(model, in, chunk, false);
        assertEquals(full.loss(), chunked.loss(), tolerance, "loss, chunk " + chunk);
        double worst = 0;
        for (Map.Entry<String, double[]> e : full.grads().entrySet()) {
          double[] a = e.getValue();
          double[] b = chunked.grads().get(e.getKey());
          for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
          }
        }
        assertTrue(worst <= tolerance, "max |Δgrad| " + worst + " over " + tolerance + ", chunk " + chunk);
      }
    }
  }

  /** Three examples of different lengths, response masks with gaps, right-padded by shift. */
  private static List<TokenizedExample> examples(int vocab) {
    Random random = new Random(5);
    List<TokenizedExample> out = new ArrayList<>();
    for (int length : new int[] {17, 9, 23}) {
      int[] ids = new int[length];
      boolean[] target = new boolean[length];
      for (int t = 0; t < length; t++) {
        ids[t] = random.nextInt(vocab);
        target[t] = t > length / 3 && random.nextInt(5) != 0;
      }
      out.add(new TokenizedExample(ids, target));
    }
    return out;
  }

  /** One backward pass: the loss value and every parameter's gradient, which is then reset. */
  private static Result run(LanguageModel model, ModelInputs.Rows in, int chunk, boolean full) {
    double[] loss = new double[1];
    Map<String, double[]> grads = new LinkedHashMap<>();
    try (NDManager scope = model.manager().newSubManager()) {
      Shape shape = new Shape(in.batch(), in.length());
      NDArray ids = scope.create(in.inputIds(), shape);
      NDArray mask = scope.create(in.attentionMask(), shape);
      GradMode.backward(() -> {
        NDArray value;
        if (full) {
          NDArray logits = model.forward(ids, mask, null).get(0);
          value = fullLoss(logits, scope.create(in.targets(), shape),
              scope.create(in.weights(), shape).toType(logits.getDataType(), false));
        } else {
          value = SftLoss.compute(model.block(), model.hidden(ids, mask), in, chunk);
        }
        loss[0] = value.toType(DataType.FLOAT64, false).getDouble();
        return value;
      });
      for (LanguageModel.NamedParameter p : model.parameters()) {
        NDArray g = p.array().getGradient();
        g.attach(scope);
        grads.put(p.name(), g.toType(DataType.FLOAT64, false).toDoubleArray());
        g.set(new NDIndex("..."), 0f);
      }
    }
    return new Result(loss[0], grads);
  }
}
