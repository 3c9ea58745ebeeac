package io.skillmix.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.skillmix.data.TokenizedExample;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A packed row computes what each of its examples computes alone: attention stays inside each
 * example and rotary positions restart at 0, in every family option that touches the mask.
 */
class PackedAttentionTest {

  private static final List<ModelConfig> CONFIGS = List.of(
      ModelConfig.preset("tiny"),
      // Gemma 2: a sliding window of 4 on every other layer, soft-capping, gemma norms.
      new ModelConfig("gemma2", 259, 32, 48, 2, 4, 2, 8, 64, 10000.0, 1e-6, false, false, 257, 258,
          new Variant(Variant.GELU_TANH, false, true, 8, 20, 3, 4, 2, 0, null, false)));

  @Test
  void logitsOfEachPackedExampleEqualItsLogitsAlone() {
    List<TokenizedExample> examples = ModelInputsTest.examples(11, 7, 20);
    for (ModelConfig config : CONFIGS) {
      try (LanguageModel model = LanguageModel.random(config, Device.cpu(), 3);
          NDManager scope = model.manager().newSubManager()) {
        GradMode.disableOnThisThread();
        ModelInputs.Rows packed = ModelInputs.packed(0, 48).shifted(examples);
        assertTrue(packed.batch() < examples.size(), "rows hold several examples");
        float[] logits = model.forward(packed.ids(scope), packed.mask(scope), null).get(0).toFloatArray();
        int v = config.vocabSize();
        double worst = 0;
        for (int i = 0; i < examples.size(); i++) {
          ModelInputs.Rows alone = ModelInputs.padded(0).shifted(List.of(examples.get(i)));
          float[] own = model.forward(alone.ids(scope), alone.mask(scope), null).get(0).toFloatArray();
          int t = 0;
          for (int p = 0; p < packed.exampleAt().length; p++) {
            if (packed.exampleAt()[p] != i) {
              continue;
            }
            for (int k = 0; k < v; k++) {
              worst = Math.max(worst, Math.abs(logits[p * v + k] - own[t * v + k]));
            }
            t++;
          }
          assertEquals(examples.get(i).length() - 1, t, "example " + i + " is whole in its row");
        }
        assertTrue(worst < 1e-5, config.modelType() + ": largest logit difference " + worst);
      }
    }
  }
}
