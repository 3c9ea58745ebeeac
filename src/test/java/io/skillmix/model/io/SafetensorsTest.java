package io.skillmix.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.UserError;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SafetensorsTest {

  @TempDir Path dir;

  private static Map<String, TensorData> tensors() {
    Map<String, TensorData> t = new LinkedHashMap<>();
    t.put("model.embed_tokens.weight", new TensorData(new long[] {3, 2}, new float[] {1, -2, 3.5f, 0, 1e-8f, Float.MAX_VALUE}));
    t.put("model.norm.weight", new TensorData(new long[] {2}, new float[] {0.25f, -0f}));
    t.put("lm_head.weight", new TensorData(new long[] {2, 2}, new float[] {7, 8, 9, 10}));
    return t;
  }

  @Test
  void roundTripKeepsNamesShapesAndExactValues() {
    Path file = dir.resolve("model.safetensors");
    SafetensorsWriter.write(file, tensors(), DType.F32, Map.of("format", "pt"));
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      assertEquals(tensors().keySet().stream().toList(), f.tensors().keySet().stream().toList());
      assertEquals("pt", f.metadata().get("format"));
      for (Map.Entry<String, TensorData> e : tensors().entrySet()) {
        TensorData read = f.read(e.getKey());
        assertArrayEquals(e.getValue().shape(), read.shape());
        assertArrayEquals(e.getValue().values(), read.values());
      }
    }
    // The reference layout: the header length is a multiple of 8.
    assertEquals(0, ByteBuffer.wrap(bytes(file), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong() % 8);
  }

  @Test
  void shardedFolderRoundTripsWithAnIndexAndReplacesAnEarlierSave() throws Exception {
    ModelWeights.write(dir, tensors(), DType.F32, 10); // forces one tensor a shard
    assertTrue(Files.exists(dir.resolve(ModelWeights.INDEX)));
    assertTrue(Files.exists(dir.resolve("model-00003-of-00003.safetensors")));
    assertFalse(Files.exists(dir.resolve(ModelWeights.SINGLE)));
    String index = Files.readString(dir.resolve(ModelWeights.INDEX));
    assertTrue(index.contains("\"total_size\": " + (6 + 2 + 4) * 4), index);
    try (ModelWeights w = ModelWeights.open(dir)) {
      assertEquals(tensors().keySet(), w.names());
      assertArrayEquals(tensors().get("lm_head.weight").values(), w.readFloats("lm_head.weight"));
    }
    ModelWeights.write(dir, tensors(), DType.F32, 1 << 20);
    assertTrue(Files.exists(dir.resolve(ModelWeights.SINGLE)));
    assertFalse(Files.exists(dir.resolve(ModelWeights.INDEX)), "stale index removed");
    assertFalse(Files.exists(dir.resolve("model-00001-of-00003.safetensors")), "stale shard removed");
    try (ModelWeights w = ModelWeights.open(dir)) {
      assertArrayEquals(tensors().get("model.norm.weight").values(), w.readFloats("model.norm.weight"));
    }
  }

  /** A file assembled byte by byte, as another tool would write it. */
  private Path handWritten(String dtype, short[] values, long[] shape) throws Exception {
    StringBuilder shapeJson = new StringBuilder();
    for (long d : shape) {
      shapeJson.append(shapeJson.length() == 0 ? "" : ",").append(d);
    }
    String header = "{\"w\":{\"dtype\":\"" + dtype + "\",\"shape\":[" + shapeJson + "],\"data_offsets\":[0,"
        + values.length * 2 + "]}}";
    return rawFile(header, values);
  }

  private Path rawFile(String header, short[] values) throws Exception {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + json.length + values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(json.length).put(json);
    for (short v : values) {
      b.putShort(v);
    }
    Path file = Files.createTempFile(dir, "hand", ".safetensors");
    Files.write(file, b.array());
    return file;
  }

  @Test
  void readsHandWrittenF16AndBf16() throws Exception {
    // F16: 1.0, -2.0, 0.5, max 65504, smallest subnormal 2^-24, +inf, NaN
    short[] f16 = {0x3c00, (short) 0xc000, 0x3800, 0x7bff, 0x0001, 0x7c00, 0x7e00};
    try (SafetensorsFile f = SafetensorsFile.open(handWritten("F16", f16, new long[] {7}))) {
      float[] v = f.readFloats("w");
      assertEquals(1f, v[0]);
      assertEquals(-2f, v[1]);
      assertEquals(0.5f, v[2]);
      assertEquals(65504f, v[3]);
      assertEquals(0x1p-24f, v[4]);
      assertEquals(Float.POSITIVE_INFINITY, v[5]);
      assertTrue(Float.isNaN(v[6]));
    }
    // BF16: the top halves of 1.0, -3.0, 0.15625 (exactly representable)
    short[] bf16 = {0x3f80, (short) 0xc040, 0x3e20, 0x0000};
    try (SafetensorsFile f = SafetensorsFile.open(handWritten("BF16", bf16, new long[] {2, 2}))) {
      assertArrayEquals(new float[] {1f, -3f, 0.15625f, 0f}, f.readFloats("w"));
      assertArrayEquals(new long[] {2, 2}, f.info("w").shape());
    }
  }

  @Test
  void halfPrecisionConversionsRoundToNearestEven() {
    assertEquals(0x3c00, DType.floatToHalf(1f));
    assertEquals(0x7bff, DType.floatToHalf(65504f));
    assertEquals(0x7c00, DType.floatToHalf(65520f)); // rounds up past max: infinity
    assertEquals(0x0001, DType.floatToHalf(0x1p-24f));
    assertEquals(0x0000, DType.floatToHalf(0x1p-26f));
    assertEquals(0x3c00, DType.floatToHalf(1f + 0x1p-11f)); // a tie: to even (1.0)
    assertEquals(0x3c02, DType.floatToHalf(1f + 3 * 0x1p-11f)); // a tie: to even (1 + 2^-9)
    assertTrue(Float.isNaN(DType.halfToFloat(DType.floatToHalf(Float.NaN))));
    for (int bits = 0; bits < 0x10000; bits++) {
      float f = DType.halfToFloat((short) bits);
      if (!Float.isNaN(f)) {
        assertEquals((short) bits, DType.floatToHalf(f), "half " + Integer.toHexString(bits));
      }
    }
    assertEquals((short) 0x3f80, DType.floatToBf16(1f));
    assertEquals(1f, DType.bf16ToFloat(DType.floatToBf16(1f + 0x1p-9f))); // tie to even
  }

  @Test
  void f16AndBf16WritesReadBack() {
    for (DType dtype : new DType[] {DType.F16, DType.BF16}) {
      Path file = dir.resolve(dtype + ".safetensors");
      Map<String, TensorData> t = Map.of("w", new TensorData(new long[] {4}, new float[] {1, -0.5f, 2, 0.25f}));
      SafetensorsWriter.write(file, t, dtype, null);
      try (SafetensorsFile f = SafetensorsFile.open(file)) {
        assertEquals(dtype, f.info("w").dtype());
        assertArrayEquals(new float[] {1, -0.5f, 2, 0.25f}, f.readFloats("w"));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "[1,2]",
      "not json",
      "{\"w\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,6]}}",
      "{\"w\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,400]}}",
      "{\"w\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[-2,2]}}",
      "{\"w\":{\"dtype\":\"F16\",\"shape\":[-2],\"data_offsets\":[0,4]}}",
      "{\"w\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,4]}}",
      "{\"w\":{\"shape\":[2],\"data_offsets\":[0,4]}}",
      "{\"w\":{\"dtype\":\"F16\",\"shape\":[4611686018427387904, 4],\"data_offsets\":[0,4]}}",
      "{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
          + "\"b\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[2,4]}}"
  })
  void malformedHeadersAreRefusedNamingTheFile(String header) throws Exception {
    Path file = rawFile(header, new short[] {1, 2});
    UserError e = assertThrows(UserError.class, () -> SafetensorsFile.open(file).close());
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("not a valid safetensors file"), e.getMessage());
  }

  @Test
  void aHugeClaimedHeaderIsRefusedWithoutAllocatingIt() throws Exception {
    Path file = dir.resolve("huge.safetensors");
    ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(1L << 40);
    Files.write(file, b.array());
    UserError e = assertThrows(UserError.class, () -> SafetensorsFile.open(file));
    assertTrue(e.getMessage().contains("header length 1099511627776"), e.getMessage());
    ByteBuffer negative = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-8L);
    Files.write(file, negative.array());
    assertThrows(UserError.class, () -> SafetensorsFile.open(file));
  }

  @Test
  void aTruncatedFileIsRefused() throws Exception {
    Path file = dir.resolve("model.safetensors");
    SafetensorsWriter.write(file, tensors(), DType.F32, null);
    byte[] whole = bytes(file);
    Files.write(file, java.util.Arrays.copyOf(whole, whole.length - 5));
    UserError e = assertThrows(UserError.class, () -> SafetensorsFile.open(file));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void aFolderWithoutWeightsOrWithAMissingShardIsAClearError() throws Exception {
    UserError none = assertThrows(UserError.class, () -> ModelWeights.open(dir));
    assertTrue(none.getMessage().contains("no model.safetensors"), none.getMessage());
    ModelWeights.write(dir, tensors(), DType.F32, 10);
    Files.delete(dir.resolve("model-00002-of-00003.safetensors"));
    UserError missing = assertThrows(UserError.class, () -> ModelWeights.open(dir));
    assertTrue(missing.getMessage().contains("model-00002-of-00003.safetensors"), missing.getMessage());
  }

  private static byte[] bytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

}
