package io.skillmix.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.skillmix.UserError;
import io.skillmix.cli.Main;
import io.skillmix.model.io.DType;
import io.skillmix.model.io.ModelWeights;
import io.skillmix.model.io.TensorData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelFolderTest {

  @TempDir Path dir;

  private static float[] logits(LanguageModel model) {
    try (NDManager scope = model.manager().newSubManager()) {
      return model.forward(scope.create(new long[] {1, 5, 9, 2}, new Shape(1, 4)),
          scope.create(new long[] {1, 1, 1, 1}, new Shape(1, 4)), null).get(0).toFloatArray();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2"})
  void savedFoldersLoadBackToTheSameModel(String type) {
    ModelConfig config = type.equals("llama") ? ModelFixtures.llama() : ModelFixtures.qwen2();
    try (LanguageModel model = LanguageModel.random(config, Device.cpu(), 3)) {
      model.save(dir, 4096); // small shards: exercises the index
      assertTrue(Files.exists(dir.resolve(ModelWeights.INDEX)));
      try (LanguageModel loaded = LanguageModel.load(dir, Device.cpu())) {
        assertEquals(config, loaded.config());
        assertArrayEquals(logits(model), logits(loaded));
      }
    }
  }

  @Test
  void exportAndImportWeightsCopyEveryParameter() {
    try (LanguageModel a = LanguageModel.random(ModelFixtures.qwen2(), Device.cpu(), 1);
        LanguageModel b = LanguageModel.random(ModelFixtures.qwen2(), Device.cpu(), 2)) {
      b.importWeights(a.exportWeights());
      assertArrayEquals(logits(a), logits(b));
    }
  }

  @Test
  void aCheckpointThatDoesNotMatchItsConfigIsRefused() throws Exception {
    try (LanguageModel model = LanguageModel.random(ModelFixtures.llama(), Device.cpu(), 3)) {
      model.save(dir);
    }
    // A missing tensor.
    Map<String, TensorData> tensors = new LinkedHashMap<>();
    try (ModelWeights w = ModelWeights.open(dir)) {
      for (String name : w.names()) {
        tensors.put(name, w.read(name));
      }
    }
    Map<String, TensorData> missing = new LinkedHashMap<>(tensors);
    missing.remove("model.layers.1.mlp.up_proj.weight");
    ModelWeights.write(dir, missing, DType.F32, 1 << 30);
    UserError e = assertThrows(UserError.class, () -> LanguageModel.load(dir, Device.cpu()));
    assertTrue(e.getMessage().contains("model.layers.1.mlp.up_proj.weight") && e.getMessage().contains("missing"),
        e.getMessage());
    // A tensor of the wrong shape.
    Map<String, TensorData> wrong = new LinkedHashMap<>(tensors);
    wrong.put("model.norm.weight", new TensorData(new long[] {3}, new float[3]));
    ModelWeights.write(dir, wrong, DType.F32, 1 << 30);
    e = assertThrows(UserError.class, () -> LanguageModel.load(dir, Device.cpu()));
    assertTrue(e.getMessage().contains("model.norm.weight") && e.getMessage().contains("shape"), e.getMessage());
    // An unsupported architecture.
    Files.writeString(dir.resolve("config.json"),
        Files.readString(dir.resolve("config.json")).replace("\"llama\"", "\"gpt2\""));
    e = assertThrows(UserError.class, () -> LanguageModel.load(dir, Device.cpu()));
    assertTrue(e.getMessage().contains("gpt2") && e.getMessage().contains("config.json"), e.getMessage());
    Files.delete(dir.resolve("config.json"));
    e = assertThrows(UserError.class, () -> LanguageModel.load(dir, Device.cpu()));
    assertTrue(e.getMessage().contains("config.json"), e.getMessage());
  }

  @Test
  void configurationsThisDecoderWouldGetWrongAreRefused() throws Exception {
    String base = ModelFixtures.llama().toJson();
    for (String[] c : new String[][] {
        {"\"rope_scaling\": null", "\"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 8.0}"},
        {"\"rope_scaling\": null", "\"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8.0}"},
        {"\"rope_theta\"", "\"partial_rotary_factor\": 0.5, \"rope_theta\""},
        {"\"rope_theta\"", "\"mlp_bias\": true, \"rope_theta\""},
        {"\"hidden_act\": \"silu\"", "\"hidden_act\": \"gelu\""},
        {"\"rope_theta\"", "\"use_sliding_window\": true, \"rope_theta\""}}) {
      Path file = dir.resolve("config.json");
      Files.writeString(file, base.replace(c[0], c[1]));
      UserError e = assertThrows(UserError.class, () -> ModelConfig.read(file));
      assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    }
  }

  @Test
  void bf16CheckpointsLoadAsFloat32() {
    try (LanguageModel model = LanguageModel.random(ModelFixtures.llama(), Device.cpu(), 4)) {
      model.save(dir);
      Map<String, TensorData> tensors = new LinkedHashMap<>();
      try (ModelWeights w = ModelWeights.open(dir)) {
        for (String name : w.names()) {
          tensors.put(name, w.read(name));
        }
      }
      ModelWeights.write(dir, tensors, DType.BF16, 1 << 30);
      try (LanguageModel loaded = LanguageModel.load(dir, Device.cpu())) {
        float[] a = logits(model);
        float[] b = logits(loaded);
        for (int i = 0; i < a.length; i++) {
          assertEquals(a[i], b[i], 0.05f, "bf16 keeps about 3 significant digits");
        }
      }
    }
  }

  @Test
  void modelInitAndInfoWriteAndDescribeAHuggingFaceFolder() throws Exception {
    Path out = dir.resolve("tiny");
    String initOutput = run("model", "init", "--preset", "tiny", "--out", out.toString(), "--seed", "7");
    assertTrue(initOutput.contains("tiny preset"), initOutput);
    for (String file : new String[] {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"}) {
      assertTrue(Files.exists(out.resolve(file)), file);
    }
    String info = run("model", "info", out.toString());
    assertTrue(info.contains("llama"), info);
    assertTrue(info.contains(String.format("%,d", ModelConfig.preset("tiny").parameterCount())), info);
    assertTrue(info.contains("[F32]"), info);
    assertTrue(info.contains("chat template vicuna"), info);
    try (LanguageModel loaded = LanguageModel.load(out, Device.cpu())) {
      assertEquals(ModelConfig.preset("tiny"), loaded.config());
    }
    // A second init into the same folder is refused and changes nothing.
    byte[] before = Files.readAllBytes(out.resolve("model.safetensors"));
    assertEquals(Main.USER_ERROR, Main.execute("model", "init", "--out", out.toString()));
    assertArrayEquals(before, Files.readAllBytes(out.resolve("model.safetensors")));
  }

  private static String run(String... args) {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, Main.execute(args));
    } finally {
      System.setOut(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
