package io.skillmix.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.skillmix.UserError;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** LoRA on every family: the adapted model starts as its base, and merging changes nothing it computes. */
class LoraTest {

  private static final LoraSettings LORA = new LoraSettings(4, 8, 0.1, LoraSettings.ALL_PROJECTIONS);

  /** Logits of a left-padded batch of two, as floats. */
  static float[] logits(LanguageModel model) {
    GradMode.disableOnThisThread();
    try (NDManager scope = model.manager().newSubManager()) {
      long[] ids = {5, 9, 3, 7, 11, 2, 0, 0, 4, 8, 12, 6};
      long[] mask = {1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1};
      NDArray out = model.forward(scope.create(ids, new Shape(2, 6)), scope.create(mask, new Shape(2, 6)), null).get(0);
      return out.toFloatArray();
    }
  }

  static double maxDifference(float[] a, float[] b) {
    assertEquals(a.length, b.length);
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  /** B drawn at random (B = 0 at initialisation would make merging trivially exact). */
  static void randomiseAdapters(LanguageModel model, long seed) {
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

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2", "qwen3", "mistral", "gemma2", "gemma3", "phi3", "llama3"})
  void atInitialisationTheAdaptedModelComputesItsBase(String family) {
    try (LanguageModel model = LanguageModel.random(ModelFixtures.byName(family), Device.cpu(), 3)) {
      float[] base = logits(model);
      model.addLora(LORA, 11);
      assertEquals(0.0, maxDifference(base, logits(model)), family);
      assertTrue(model.lora().parameters().size() > 0);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2", "qwen3", "mistral", "gemma2", "gemma3", "phi3", "llama3"})
  void mergedLogitsEqualTheAdaptedModels(String family) {
    try (LanguageModel model = LanguageModel.random(ModelFixtures.byName(family), Device.cpu(), 3)) {
      float[] base = logits(model);
      model.addLora(LORA, 11);
      randomiseAdapters(model, 5);
      float[] adapted = logits(model);
      assertTrue(maxDifference(base, adapted) > 1e-3, family + ": the adapters change the logits");
      model.mergeLora();
      assertTrue(maxDifference(adapted, logits(model)) < 1e-5, family + ": merged " + maxDifference(adapted, logits(model)));
    }
  }

  @Test
  void anAdapterFolderLoadsBackOnItsBaseAndComputesTheSame(@TempDir Path dir) {
    Path base = dir.resolve("base");
    Path adapter = dir.resolve("adapter");
    try (LanguageModel model = LanguageModel.random(ModelFixtures.qwen2(), Device.cpu(), 3)) {
      model.save(base);
      model.addLora(LORA, 11);
      randomiseAdapters(model, 5);
      AdapterFolder.write(model, adapter, base);
      float[] adapted = logits(model);
      try (LanguageModel explicit = AdapterFolder.open(base, adapter, Device.cpu());
          LanguageModel named = AdapterFolder.open(adapter, null, Device.cpu())) {
        assertEquals(0.0, maxDifference(adapted, logits(explicit)));
        assertEquals(0.0, maxDifference(adapted, logits(named)), "base_model_name_or_path finds the base");
      }
    }
  }

  @Test
  void targetsNamingNoProjectionOfTheFamilyAreRefusedByKey() {
    try (LanguageModel model = LanguageModel.random(ModelFixtures.llama(), Device.cpu(), 3)) {
      UserError e = assertThrows(UserError.class,
          () -> model.addLora(new LoraSettings(4, 8, 0, List.of("q_proj", "qkv_proj")), 1));
      assertTrue(e.getMessage().startsWith("model.lora.targets: 'qkv_proj'"), e.getMessage());
    }
  }

  @Test
  void phi3sFusedProjectionsAreTargetedByTheirSeparateNames() {
    try (LanguageModel model = LanguageModel.random(ModelFixtures.phi3(), Device.cpu(), 3)) {
      model.addLora(LORA, 1);
      assertEquals(List.of("qkv_proj", "o_proj", "gate_up_proj", "down_proj"), model.lora().modules());
    }
  }
}
