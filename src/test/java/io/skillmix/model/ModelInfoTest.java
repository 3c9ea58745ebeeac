package io.skillmix.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.google.gson.Gson;
import io.skillmix.UserError;
import io.skillmix.cli.Main;
import io.skillmix.model.io.ModelWeights;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code model init --config} for every family, and what {@code model info} refuses or warns about. */
class ModelInfoTest {

  @TempDir Path dir;

  private record Outcome(int code, String out, String err) {}

  private static Outcome run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    try {
      int code = Main.execute(args);
      return new Outcome(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2", "qwen3", "mistral", "gemma2", "gemma3", "phi3", "llama3"})
  void initFromAConfigWritesAFolderThatInfoNamesAndThatLoadsBack(String name) throws IOException {
    ModelConfig config = ModelFixtures.byName(name);
    Path file = dir.resolve("config-in.json");
    config.write(file);
    Path out = dir.resolve("out");
    Outcome init = run("model", "init", "--config", file.toString(), "--out", out.toString(), "--seed", "3");
    assertEquals(0, init.code(), init.err());
    assertTrue(init.out().contains("no tokenizer"), init.out());
    assertFalse(Files.exists(out.resolve("tokenizer.json")));
    Outcome info = run("model", "info", out.toString());
    assertEquals(0, info.code(), info.err());
    assertTrue(info.out().contains("family       " + config.modelType()), info.out());
    assertTrue(info.err().startsWith("warning: ") && info.err().contains("no tokenizer.json"), info.err());
    try (LanguageModel loaded = LanguageModel.load(out, Device.cpu())) {
      assertEquals(config, loaded.config());
      assertEquals(config.parameterCount(), loaded.parameterCount());
    }
  }

  @Test
  void presetsShapedLikeReleasedModelsHaveTheirParameterCounts() {
    // The counts Hugging Face reports for these checkpoints (tied embeddings counted once).
    assertEquals(494_032_768L, ModelConfig.preset("qwen2.5-0.5b").parameterCount());
    assertEquals(596_049_920L, ModelConfig.preset("qwen3-0.6b").parameterCount());
    assertEquals(1_235_814_400L, ModelConfig.preset("llama-3.2-1b").parameterCount());
    assertEquals(2_614_341_888L, ModelConfig.preset("gemma-2-2b").parameterCount());
    assertEquals(999_885_952L, ModelConfig.preset("gemma-3-1b").parameterCount());
    assertEquals(3_821_079_552L, ModelConfig.preset("phi-3-mini").parameterCount());
    assertEquals(7_248_023_552L, ModelConfig.preset("mistral-7b").parameterCount());
  }

  @ParameterizedTest
  @ValueSource(strings = {"I8", "BOOL"})
  void aTensorThatIsNotFloatingPointIsRefusedInOneLineByInfoAndBeforeTraining(String dtype) throws IOException {
    Path folder = tinyFolder();
    rewrite(folder, "model.layers.0.mlp.up_proj.weight", dtype, false);
    Outcome info = run("model", "info", folder.toString());
    assertEquals(Main.USER_ERROR, info.code());
    assertEquals(1, info.err().strip().lines().count(), info.err());
    assertTrue(info.err().contains("stored as " + dtype), info.err());
    UserError e = assertThrows(UserError.class, () -> LanguageModel.check(folder));
    assertTrue(e.getMessage().contains("up_proj.weight"), e.getMessage());
  }

  @Test
  void aMissingTensorIsRefusedByName() throws IOException {
    Path folder = tinyFolder();
    rewrite(folder, "model.layers.1.self_attn.k_proj.weight", null, true);
    Outcome info = run("model", "info", folder.toString());
    assertEquals(Main.USER_ERROR, info.code());
    assertEquals(1, info.err().strip().lines().count(), info.err());
    assertTrue(info.err().contains("'model.layers.1.self_attn.k_proj.weight' is missing"), info.err());
    assertTrue(info.err().contains("config.json implies"), info.err());
  }

  @Test
  void aConfigImplyingOtherShapesThanOnDiskIsRefusedWithBothCounts() throws IOException {
    Path folder = tinyFolder();
    Path config = folder.resolve("config.json");
    Files.writeString(config, Files.readString(config).replace("\"hidden_size\": 128", "\"hidden_size\": 1048576"));
    Outcome info = run("model", "info", folder.toString());
    assertEquals(Main.USER_ERROR, info.code());
    assertEquals(1, info.err().strip().lines().count(), info.err());
    assertTrue(info.err().contains("the weights hold 771,584"), info.err());
  }

  private Path tinyFolder() {
    Path folder = dir.resolve("tiny");
    assertEquals(0, run("model", "init", "--preset", "tiny", "--out", folder.toString()).code());
    return folder;
  }

  /** Rewrites model.safetensors with one tensor stored as {@code dtype} (1 byte per value) or dropped. */
  private static void rewrite(Path folder, String target, String dtype, boolean drop) throws IOException {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("__metadata__", Map.of("format", "pt"));
    List<byte[]> blobs = new java.util.ArrayList<>();
    long offset = 0;
    try (ModelWeights weights = ModelWeights.open(folder)) {
      for (String name : weights.names()) {
        if (drop && name.equals(target)) {
          continue;
        }
        float[] values = weights.readFloats(name);
        boolean narrow = name.equals(target);
        ByteBuffer data = ByteBuffer.allocate(values.length * (narrow ? 1 : 4)).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
          if (narrow) {
            data.put((byte) (v > 0 ? 1 : 0));
          } else {
            data.putFloat(v);
          }
        }
        header.put(name, Map.of("dtype", narrow ? dtype : "F32", "shape", weights.info(name).shape(),
            "data_offsets", new long[] {offset, offset + data.capacity()}));
        offset += data.capacity();
        blobs.add(data.array());
      }
    }
    byte[] json = new Gson().toJson(header).getBytes(StandardCharsets.UTF_8);
    ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length);
    try (var out = Files.newOutputStream(folder.resolve(ModelWeights.SINGLE))) {
      out.write(length.array());
      out.write(json);
      for (byte[] b : blobs) {
        out.write(b);
      }
    }
  }
}
