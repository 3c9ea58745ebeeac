package io.skillmix.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Recomputing each layer in the backward pass gives plain backpropagation's gradients. */
class ActivationCheckpointingTest {

  private record Result(double value, Map<String, double[]> grads) {}

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2", "qwen3", "gemma2", "gemma3", "phi3"})
  void gradientsEqualPlainBackpropagation(String name) {
    ModelConfig config = ModelFixtures.byName(name);
    try (LanguageModel model = LanguageModel.random(config, Device.cpu(), 8, DataType.FLOAT64)) {
      Result plain = run(model, false);
      Result checkpointed = run(model, true);
      assertEquals(plain.value(), checkpointed.value(), 1e-12);
      double worst = 0;
      for (String p : plain.grads().keySet()) {
        double[] a = plain.grads().get(p);
        double[] b = checkpointed.grads().get(p);
        for (int i = 0; i < a.length; i++) {
          worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
      }
      assertTrue(worst < 1e-12, name + ": max |Δgrad| " + worst);
    }
  }

  /** A left-padded batch; the objective weighs every real position's logits at random. */
  private static Result run(LanguageModel model, boolean checkpointed) {
    long[] ids = {3, 1, 4, 1, 5, 9, 2, 6, 0, 0, 5, 3, 5, 8, 9, 7};
    long[] mask = {1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1};
    int vocab = model.config().vocabSize();
    Random random = new Random(3);
    double[] r = new double[ids.length * vocab];
    for (int i = 0; i < r.length; i++) {
      r[i] = random.nextGaussian();
    }
    double[] value = new double[1];
    Map<String, double[]> grads = new LinkedHashMap<>();
    try (NDManager scope = model.manager().newSubManager()) {
      Shape shape = new Shape(2, 8);
      NDArray idArray = scope.create(ids, shape);
      NDArray maskArray = scope.create(mask, shape);
      NDArray weights = scope.create(r, new Shape(2, 8, vocab))
          .mul(maskArray.toType(DataType.FLOAT64, false).expandDims(-1));
      java.util.function.UnaryOperator<NDArray> objective =
          hidden -> model.block().logits(hidden).mul(weights).sum();
      if (checkpointed) {
        GradMode.recording(() -> value[0] =
            ActivationCheckpointing.backward(model.block(), idArray, maskArray, objective).getDouble());
      } else {
        GradMode.backward(() -> {
          NDArray v = objective.apply(model.block().hidden(idArray, maskArray, null, null));
          value[0] = v.getDouble();
          return v;
        });
      }
      for (LanguageModel.NamedParameter p : model.parameters()) {
        NDArray g = p.array().getGradient();
        g.attach(scope);
        grads.put(p.name(), g.toDoubleArray());
        g.set(new NDIndex("..."), 0f);
      }
    }
    return new Result(value[0], grads);
  }
}
