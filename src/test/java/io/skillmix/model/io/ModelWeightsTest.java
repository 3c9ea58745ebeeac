package io.skillmix.model.io;

import static io.skillmix.model.io.SafetensorsWriterTest.assertBitExact;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.skillmix.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelWeightsTest {

  @TempDir Path dir;

  /** 24 + 8 + 16 + 40 bytes as F32. */
  private static Map<String, TensorData> tensors() {
    Map<String, TensorData> t = new LinkedHashMap<>();
    t.put("a", new TensorData(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}));
    t.put("b", new TensorData(new long[] {2}, new float[] {-1, Float.intBitsToFloat(0x7fc00042)}));
    t.put("c", new TensorData(new long[] {4}, new float[] {0.5f, 0.25f, -0f, 1e-40f}));
    t.put("d", new TensorData(new long[] {10}, new float[] {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}));
    return t;
  }

  private Set<String> filesIn(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private void assertReadsBack(Path folder, Map<String, TensorData> expected) {
    try (ModelWeights w = ModelWeights.open(folder)) {
      assertEquals(List.copyOf(expected.keySet()), List.copyOf(w.names()));
      for (Map.Entry<String, TensorData> e : expected.entrySet()) {
        assertArrayEquals(e.getValue().shape(), w.info(e.getKey()).shape());
        assertBitExact(e.getValue().values(), w.readFloats(e.getKey()));
        assertArrayEquals(e.getValue().shape(), w.read(e.getKey()).shape());
      }
    }
  }

  @Test
  void aModelThatFitsIsOneFile() throws IOException {
    ModelWeights.write(dir, tensors(), DType.F32, 88);
    assertEquals(Set.of(ModelWeights.SINGLE), filesIn(dir));
    try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(ModelWeights.SINGLE))) {
      assertEquals("pt", f.metadata().get("format"), "transformers needs format=pt");
    }
    assertReadsBack(dir, tensors());
  }

  @Test
  void aLargerModelIsShardedWithAnIndex() throws IOException {
    // Limit 32: [a 24 + b 8], [c 16], [d 40 alone, over the limit].
    ModelWeights.write(dir, tensors(), DType.F32, 32);
    assertEquals(Set.of(ModelWeights.INDEX, "model-00001-of-00003.safetensors",
        "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors"), filesIn(dir));
    JsonObject index = JsonParser.parseString(Files.readString(dir.resolve(ModelWeights.INDEX))).getAsJsonObject();
    assertEquals(88, index.getAsJsonObject("metadata").get("total_size").getAsLong());
    Map<String, String> weightMap = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : index.getAsJsonObject("weight_map").entrySet()) {
      weightMap.put(e.getKey(), e.getValue().getAsString());
    }
    assertEquals(Map.of("a", "model-00001-of-00003.safetensors", "b", "model-00001-of-00003.safetensors",
        "c", "model-00002-of-00003.safetensors", "d", "model-00003-of-00003.safetensors"), weightMap);
    // Each shard holds exactly the tensors the index sends to it.
    for (String shard : new TreeSet<>(weightMap.values())) {
      try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(shard))) {
        Set<String> expected = weightMap.entrySet().stream().filter(e -> e.getValue().equals(shard))
            .map(Map.Entry::getKey).collect(Collectors.toSet());
        assertEquals(expected, f.tensors().keySet(), shard);
      }
    }
    assertReadsBack(dir, tensors());
  }

  @Test
  void halfPrecisionShardsRoundTrip() {
    Map<String, TensorData> halves = new LinkedHashMap<>();
    halves.put("x", new TensorData(new long[] {3}, new float[] {1, -2, 0.5f}));
    halves.put("y", new TensorData(new long[] {1, 2}, new float[] {65504, 0x1p-24f}));
    for (DType dtype : new DType[] {DType.F16, DType.BF16}) {
      Path folder = dir.resolve(dtype.name());
      ModelWeights.write(folder, halves, dtype, 6);
      assertTrue(Files.exists(folder.resolve("model-00002-of-00002.safetensors")));
      try (ModelWeights w = ModelWeights.open(folder)) {
        assertEquals(dtype, w.info("y").dtype());
        assertArrayEquals(new float[] {1, -2, 0.5f}, w.readFloats("x"));
        float[] part = new float[1];
        w.readFloats("y", 1, part);
        assertEquals(0x1p-24f, part[0], dtype == DType.BF16 ? 0x1p-32f : 0f);
      }
    }
  }

  @Test
  void aNewSaveReplacesTheOldLayoutAndLeavesOtherFilesAlone() throws IOException {
    Files.writeString(dir.resolve("config.json"), "{}");
    Files.writeString(dir.resolve("adapter.safetensors"), "not ours");
    ModelWeights.write(dir, tensors(), DType.F32, 32); // 3 shards
    ModelWeights.write(dir, tensors(), DType.F32, 48); // 2 shards: [a b c], [d]
    assertEquals(Set.of("adapter.safetensors", "config.json", ModelWeights.INDEX,
        "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"), filesIn(dir));
    assertReadsBack(dir, tensors());
    ModelWeights.write(dir, tensors(), DType.F32, 1 << 20); // one file
    assertEquals(Set.of("adapter.safetensors", "config.json", ModelWeights.SINGLE), filesIn(dir));
    assertReadsBack(dir, tensors());
    Map<String, TensorData> fewer = new LinkedHashMap<>(tensors());
    fewer.remove("a");
    ModelWeights.write(dir, fewer, DType.F32, 20); // back to shards: the single file goes
    assertEquals(Set.of("adapter.safetensors", "config.json", ModelWeights.INDEX,
        "model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
        "model-00003-of-00003.safetensors"), filesIn(dir));
    assertReadsBack(dir, fewer);
  }

  @Test
  void aSaveThatFailsPartWayLeavesThePreviousSaveIntact() throws IOException {
    ModelWeights.write(dir, tensors(), DType.F32, 32);
    Map<String, long[]> shapes = new LinkedHashMap<>();
    tensors().forEach((name, t) -> shapes.put(name, t.shape()));
    assertThrows(IllegalStateException.class, () -> ModelWeights.write(dir, shapes, DType.F32, 32,
        name -> {
          if (name.equals("d")) {
            throw new IllegalStateException("out of memory, say");
          }
          return tensors().get(name).values();
        }));
    assertEquals(Set.of(ModelWeights.INDEX, "model-00001-of-00003.safetensors",
        "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors"), filesIn(dir),
        "no temporaries left, no shard replaced");
    assertReadsBack(dir, tensors());
  }

  @Test
  void theStreamingOverloadWritesShards() throws IOException {
    Map<String, long[]> shapes = new LinkedHashMap<>();
    tensors().forEach((name, t) -> shapes.put(name, t.shape()));
    ModelWeights.write(dir, shapes, DType.F32, 32, name -> tensors().get(name).values());
    assertTrue(filesIn(dir).contains(ModelWeights.INDEX));
    assertReadsBack(dir, tensors());
  }

  @Test
  void aFolderWithoutWeightsSaysSo() {
    UserError e = assertThrows(UserError.class, () -> ModelWeights.open(dir));
    assertTrue(e.getMessage().startsWith(dir + ": no model.safetensors or model.safetensors.index.json"),
        e.getMessage());
  }

  @Test
  void aMissingShardIsNamedWithTheIndex() throws IOException {
    ModelWeights.write(dir, tensors(), DType.F32, 32);
    Files.delete(dir.resolve("model-00002-of-00003.safetensors"));
    UserError e = assertThrows(UserError.class, () -> ModelWeights.open(dir));
    assertTrue(e.getMessage().startsWith(dir.resolve(ModelWeights.INDEX) + ": shard 'model-00002-of-00003"),
        e.getMessage());
  }

  @Test
  void badIndexesAreNamed() throws IOException {
    Path model = dir.resolve("model"); // inside the temp folder, so "../" still lands in it
    ModelWeights.write(model, tensors(), DType.F32, 32);
    Path index = model.resolve(ModelWeights.INDEX);
    String good = Files.readString(index);

    Files.writeString(index, good.replace("\"c\": \"model-00002", "\"c\": \"model-00001"));
    assertIndexError(model, "tensor 'c' is not in its shard 'model-00001-of-00003.safetensors'");

    // A shard outside the model folder is not followed, even where one exists.
    Files.writeString(index, good.replace("\"d\": \"model-00003-of-00003.safetensors\"",
        "\"d\": \"../model-00003-of-00003.safetensors\""));
    Files.copy(model.resolve("model-00003-of-00003.safetensors"), dir.resolve("model-00003-of-00003.safetensors"));
    assertIndexError(model, "shard '../model-00003-of-00003.safetensors' of tensor 'd' is missing");

    Files.writeString(index, good.replace("\"d\": \"model-00003-of-00003.safetensors\"", "\"d\": 3"));
    assertIndexError(model, "weight_map entry 'd' is not a file name");

    Files.writeString(index, "{\"metadata\": {}}");
    assertIndexError(model, "no weight_map object");

    Files.writeString(index, good.substring(0, good.length() / 2));
    assertIndexError(model, "not valid JSON");

    Files.writeString(index, good);
    assertReadsBack(model, tensors());
  }

  private static void assertIndexError(Path folder, String reason) {
    UserError e = assertThrows(UserError.class, () -> ModelWeights.open(folder));
    assertTrue(e.getMessage().startsWith(folder.resolve(ModelWeights.INDEX) + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(reason), "expected '" + reason + "' in: " + e.getMessage());
  }

  @Test
  void anInvalidShardIsNamedItself() throws IOException {
    ModelWeights.write(dir, tensors(), DType.F32, 32);
    Path shard = dir.resolve("model-00003-of-00003.safetensors");
    Files.write(shard, new byte[] {1, 2, 3});
    UserError e = assertThrows(UserError.class, () -> ModelWeights.open(dir));
    assertTrue(e.getMessage().startsWith(shard + ": not a valid safetensors file"), e.getMessage());
  }

  @Test
  void anUnknownTensorNameIsAUserErrorNamingTheFolder() {
    ModelWeights.write(dir, tensors(), DType.F32, 1 << 20);
    try (ModelWeights w = ModelWeights.open(dir)) {
      UserError e = assertThrows(UserError.class, () -> w.readFloats("model.missing"));
      assertEquals(dir + ": no tensor named 'model.missing' in the model's weights", e.getMessage());
      assertFalse(w.names().contains("model.missing"));
    }
  }

  @Test
  void aNonPositiveShardLimitIsAProgrammingError() {
    assertThrows(IllegalArgumentException.class, () -> ModelWeights.write(dir, tensors(), DType.F32, 0));
  }
}
