package io.skillmix.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.skillmix.UserError;
import io.skillmix.model.io.DType;
import io.skillmix.model.io.SafetensorsFile;
import io.skillmix.model.io.SafetensorsWriter;
import io.skillmix.model.io.TensorData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adapter folders against PEFT's documented layout (docs/source/developer_guides/checkpoint.md of
 * huggingface/peft): tensors {@code base_model.model.<module>.lora_A.weight} (r × in) and
 * {@code lora_B.weight} (out × r), the adapter name stripped; adapter_config.json with peft_type
 * LORA, r, lora_alpha, target_modules. The fixtures are written here in that format.
 */
class PeftLayoutTest {

  /** adapter_config.json as PEFT's save_pretrained writes it for a LoRA of a Llama causal LM. */
  private static final String PEFT_CONFIG = """
      {
        "alpha_pattern": {},
        "auto_mapping": null,
        "base_model_name_or_path": "BASE",
        "bias": "none",
        "fan_in_fan_out": false,
        "inference_mode": true,
        "init_lora_weights": true,
        "layer_replication": null,
        "layers_pattern": null,
        "layers_to_transform": null,
        "loftq_config": {},
        "lora_alpha": 16,
        "lora_dropout": 0.05,
        "megatron_config": null,
        "megatron_core": "megatron.core",
        "modules_to_save": null,
        "peft_type": "LORA",
        "r": 2,
        "rank_pattern": {},
        "revision": null,
        "target_modules": ["v_proj", "q_proj"],
        "task_type": "CAUSAL_LM",
        "use_dora": false,
        "use_rslora": false
      }
      """;

  @Test
  void writtenAdaptersHavePeftsNamesShapesAndConfig(@TempDir Path dir) throws Exception {
    ModelConfig config = ModelFixtures.llama(); // hidden 32, 4 heads over 2 kv heads of 8, MLP 48, 2 layers
    try (LanguageModel model = LanguageModel.random(config, Device.cpu(), 3)) {
      model.addLora(new LoraSettings(4, 32, 0.05, LoraSettings.ALL_PROJECTIONS), 1);
      AdapterFolder.write(model, dir, dir.resolve("base"));
    }
    JsonObject json = JsonParser.parseString(Files.readString(dir.resolve("adapter_config.json"))).getAsJsonObject();
    assertEquals("LORA", json.get("peft_type").getAsString());
    assertEquals("CAUSAL_LM", json.get("task_type").getAsString());
    assertEquals("none", json.get("bias").getAsString());
    assertEquals(4, json.get("r").getAsInt());
    assertEquals("32", json.get("lora_alpha").toString(), "an integer alpha, as PEFT writes it");
    assertEquals(0.05, json.get("lora_dropout").getAsDouble());
    assertEquals(dir.resolve("base").toAbsolutePath().toString(), json.get("base_model_name_or_path").getAsString());
    assertEquals("[\"q_proj\",\"k_proj\",\"v_proj\",\"o_proj\",\"gate_proj\",\"up_proj\",\"down_proj\"]",
        json.get("target_modules").toString());
    Map<String, long[]> expected = new TreeMap<>();
    Map<String, long[]> outIn = Map.of("self_attn.q_proj", new long[] {32, 32}, "self_attn.k_proj", new long[] {16, 32},
        "self_attn.v_proj", new long[] {16, 32}, "self_attn.o_proj", new long[] {32, 32},
        "mlp.gate_proj", new long[] {48, 32}, "mlp.up_proj", new long[] {48, 32}, "mlp.down_proj", new long[] {32, 48});
    for (int layer = 0; layer < 2; layer++) {
      for (Map.Entry<String, long[]> m : outIn.entrySet()) {
        String module = "base_model.model.model.layers." + layer + "." + m.getKey();
        expected.put(module + ".lora_A.weight", new long[] {4, m.getValue()[1]});
        expected.put(module + ".lora_B.weight", new long[] {m.getValue()[0], 4});
      }
    }
    try (SafetensorsFile file = SafetensorsFile.open(dir.resolve("adapter_model.safetensors"))) {
      assertEquals(expected.keySet(), new TreeMap<>(file.tensors()).keySet());
      for (Map.Entry<String, long[]> e : expected.entrySet()) {
        assertArrayEquals(e.getValue(), file.info(e.getKey()).shape(), e.getKey());
        assertEquals(DType.F32, file.info(e.getKey()).dtype());
      }
    }
  }

  @Test
  void anAdapterInPeftsLayoutLoadsAndComputesWPlusScaledBA(@TempDir Path dir) throws Exception {
    ModelConfig config = ModelFixtures.llama();
    Path base = dir.resolve("base");
    Path adapter = dir.resolve("adapter");
    Files.createDirectories(adapter);
    float[] expectedQ;
    try (LanguageModel model = LanguageModel.random(config, Device.cpu(), 3)) {
      model.save(base);
      expectedQ = model.exportWeights().get("model.layers.1.self_attn.q_proj.weight");
    }
    Files.writeString(adapter.resolve("adapter_config.json"), PEFT_CONFIG.replace("BASE", base.toString()));
    Map<String, TensorData> tensors = new LinkedHashMap<>();
    java.util.Random random = new java.util.Random(9);
    float[] a1 = null;
    float[] b1 = null;
    for (int layer = 0; layer < 2; layer++) {
      for (String m : List.of("q_proj", "v_proj")) {
        long out = m.equals("q_proj") ? 32 : 16;
        float[] a = gaussian(random, 2 * 32);
        float[] b = gaussian(random, (int) out * 2);
        String prefix = "base_model.model.model.layers." + layer + ".self_attn." + m;
        tensors.put(prefix + ".lora_A.weight", new TensorData(new long[] {2, 32}, a));
        tensors.put(prefix + ".lora_B.weight", new TensorData(new long[] {out, 2}, b));
        if (layer == 1 && m.equals("q_proj")) {
          a1 = a;
          b1 = b;
        }
      }
    }
    SafetensorsWriter.write(adapter.resolve("adapter_model.safetensors"), tensors, DType.F32, Map.of("format", "pt"));
    // W + (lora_alpha / r) · B·A, by hand: 16 / 2 = 8.
    for (int o = 0; o < 32; o++) {
      for (int i = 0; i < 32; i++) {
        double sum = 0;
        for (int k = 0; k < 2; k++) {
          sum += b1[o * 2 + k] * a1[k * 32 + i];
        }
        expectedQ[o * 32 + i] += (float) (8 * sum);
      }
    }
    try (LanguageModel adapted = AdapterFolder.open(base, adapter, Device.cpu())) {
      assertEquals(List.of("q_proj", "v_proj"), adapted.lora().modules(), "in the family's order");
      assertEquals(8.0, adapted.lora().settings().scaling());
      float[] before = LoraFixtures.logits(adapted);
      adapted.mergeLora();
      assertTrue(LoraFixtures.maxDifference(before, LoraFixtures.logits(adapted)) < 1e-5);
      assertArrayEquals(expectedQ, adapted.exportWeights().get("model.layers.1.self_attn.q_proj.weight"), 1e-6f);
    }
  }

  @Test
  void peftSettingsSkillmixDoesNotComputeAreRefusedByKey(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("adapter_config.json"), PEFT_CONFIG.replace("\"use_dora\": false", "\"use_dora\": true"));
    UserError e = assertThrows(UserError.class, () -> AdapterFolder.read(dir));
    assertTrue(e.getMessage().contains("adapter_config.json: use_dora is true"), e.getMessage());
  }

  private static float[] gaussian(java.util.Random random, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (random.nextGaussian() * 0.1);
    }
    return v;
  }
}
