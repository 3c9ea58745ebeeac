package io.skillmix.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.skillmix.model.io.ModelWeights;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each family against an independent reference: bench/hf_reference.py, written from Hugging Face's
 * modeling_&lt;family&gt;.py, made the folders under src/test/resources/parity (random weights, a
 * left-padded batch, its logits). Committed, so the check needs no Python.
 */
class FamilyParityTest {

  static final float TOLERANCE = 1e-4f;

  /** The folders bench/hf_reference.py wrote: one per family, and phi3 with longrope. */
  static List<String> families() {
    return List.of("llama", "qwen2", "qwen3", "mistral", "gemma2", "gemma3_text", "phi3", "phi3_longrope");
  }

  @TempDir
  Path dir;

  @ParameterizedTest
  @MethodSource("families")
  void logitsMatchTheReferenceOnALeftPaddedBatch(String family) throws Exception {
    Path folder = folder(family);
    Batch batch = Batch.read(folder);
    try (LanguageModel model = LanguageModel.load(folder, Device.cpu())) {
      assertTrue(family.startsWith(model.config().modelType()), model.config().modelType());
      float[] logits = logits(model, batch);
      float[] expected = floats(folder.resolve("logits.f32"));
      assertEquals(expected.length, logits.length);
      int vocab = model.config().vocabSize();
      double worst = 0;
      for (int p = 0; p < batch.mask.length; p++) {
        if (batch.mask[p] == 0) {
          continue; // padded query rows attend to nothing: their logits are not defined
        }
        for (int v = 0; v < vocab; v++) {
          worst = Math.max(worst, Math.abs(expected[p * vocab + v] - logits[p * vocab + v]));
        }
      }
      System.out.printf("parity %s: max |Δlogit| %.2e%n", family, worst);
      assertTrue(worst <= TOLERANCE, family + ": max |Δlogit| " + worst);
    }
  }

  @ParameterizedTest
  @MethodSource("families")
  void loadSaveLoadIsBitIdenticalUnderTheSameTensorNames(String family) throws Exception {
    Path folder = folder(family);
    Batch batch = Batch.read(folder);
    try (LanguageModel first = LanguageModel.load(folder, Device.cpu())) {
      first.save(dir);
      try (LanguageModel second = LanguageModel.load(dir, Device.cpu());
          ModelWeights original = ModelWeights.open(folder);
          ModelWeights saved = ModelWeights.open(dir)) {
        assertEquals(Set.copyOf(original.names()), Set.copyOf(saved.names()), "tensor names");
        for (String name : original.names()) {
          assertArrayEquals(original.readFloats(name), saved.readFloats(name), 0f, name);
        }
        Map<String, float[]> a = first.exportWeights();
        Map<String, float[]> b = second.exportWeights();
        for (String name : a.keySet()) {
          assertArrayEquals(a.get(name), b.get(name), 0f, name);
        }
        assertArrayEquals(logits(first, batch), logits(second, batch), 0f, "logits after the round trip");
        assertEquals(first.config(), ModelConfig.read(dir.resolve("config.json")), "config.json round trip");
      }
    }
  }

  private static float[] logits(LanguageModel model, Batch batch) {
    GradMode.disableOnThisThread();
    try (NDManager scope = model.manager().newSubManager()) {
      Shape shape = new Shape(batch.rows, batch.length);
      return model.forward(scope.create(batch.ids, shape), scope.create(batch.mask, shape), null).get(0)
          .toFloatArray();
    }
  }

  static Path folder(String family) throws URISyntaxException {
    return Path.of(FamilyParityTest.class.getResource("/parity/" + family + "/config.json").toURI()).getParent();
  }

  private static float[] floats(Path file) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[bytes.remaining() / 4];
    bytes.asFloatBuffer().get(out);
    return out;
  }

  private record Batch(long[] ids, long[] mask, int rows, int length) {
    static Batch read(Path folder) throws IOException {
      JsonObject json = JsonParser.parseString(Files.readString(folder.resolve("batch.json"))).getAsJsonObject();
      JsonArray ids = json.getAsJsonArray("input_ids");
      JsonArray mask = json.getAsJsonArray("attention_mask");
      int rows = ids.size();
      int length = ids.get(0).getAsJsonArray().size();
      long[] flatIds = new long[rows * length];
      long[] flatMask = new long[rows * length];
      for (int r = 0; r < rows; r++) {
        for (int t = 0; t < length; t++) {
          flatIds[r * length + t] = ids.get(r).getAsJsonArray().get(t).getAsLong();
          flatMask[r * length + t] = mask.get(r).getAsJsonArray().get(t).getAsLong();
        }
      }
      return new Batch(flatIds, flatMask, rows, length);
    }
  }
}
