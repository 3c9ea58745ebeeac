package io.skillmix.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.skillmix.UserError;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** LoRA on every family: the adapted model starts as its base, and merging changes nothing it computes. */
class LoraTest {

  private static final LoraSettings LORA = new LoraSettings(4, 8, 0.1, LoraSettings.ALL_PROJECTIONS);

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2", "qwen3", "mistral", "gemma2", "gemma3", "phi3", "llama3"})
  void atInitialisationTheAdaptedModelComputesItsBase(String family) {
    try (LanguageModel model = LanguageModel.random(ModelFixtures.byName(family), Device.cpu(), 3)) {
      float[] base = LoraFixtures.logits(model);
      model.addLora(LORA, 11);
      assertEquals(0.0, LoraFixtures.maxDifference(base, LoraFixtures.logits(model)), family);
      assertTrue(model.lora().parameters().size() > 0);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2", "qwen3", "mistral", "gemma2", "gemma3", "phi3", "llama3"})
  void mergedLogitsEqualTheAdaptedModels(String family) {
    try (LanguageModel model = LanguageModel.random(ModelFixtures.byName(family), Device.cpu(), 3)) {
      float[] base = LoraFixtures.logits(model);
      model.addLora(LORA, 11);
      LoraFixtures.randomiseAdapters(model, 5);
      float[] adapted = LoraFixtures.logits(model);
      assertTrue(LoraFixtures.maxDifference(base, adapted) > 1e-3, family + ": the adapters change the logits");
      model.mergeLora();
      double merged = LoraFixtures.maxDifference(adapted, LoraFixtures.logits(model));
      assertTrue(merged < 1e-5, family + ": merged " + merged);
    }
  }

  @Test
  void anAdapterFolderLoadsBackOnItsBaseAndComputesTheSame(@TempDir Path dir) {
    Path base = dir.resolve("base");
    Path adapter = dir.resolve("adapter");
    try (LanguageModel model = LanguageModel.random(ModelFixtures.qwen2(), Device.cpu(), 3)) {
      model.save(base);
      model.addLora(LORA, 11);
      LoraFixtures.randomiseAdapters(model, 5);
      AdapterFolder.write(model, adapter, base);
      float[] adapted = LoraFixtures.logits(model);
      try (LanguageModel explicit = AdapterFolder.open(base, adapter, Device.cpu());
          LanguageModel named = AdapterFolder.open(adapter, null, Device.cpu())) {
        assertEquals(0.0, LoraFixtures.maxDifference(adapted, LoraFixtures.logits(explicit)));
        assertEquals(0.0, LoraFixtures.maxDifference(adapted, LoraFixtures.logits(named)), "base_model_name_or_path finds the base");
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
