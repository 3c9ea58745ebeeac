package io.skillmix.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.skillmix.UserError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsWriterTest {

  @TempDir Path dir;

  /** Values chosen to catch any conversion on the F32 path: NaN payloads, -0, subnormals, limits. */
  static Map<String, TensorData> tensors() {
    Map<String, TensorData> t = new LinkedHashMap<>();
    t.put("model.embed_tokens.weight", new TensorData(new long[] {3, 2}, new float[] {
        1, -2, 3.5f, Float.MIN_VALUE, 1e-8f, Float.MAX_VALUE}));
    t.put("model.norm.weight", new TensorData(new long[] {4}, new float[] {
        -0f, Float.intBitsToFloat(0x7fc00001), Float.intBitsToFloat(0xff800123), Float.NEGATIVE_INFINITY}));
    t.put("scalar", new TensorData(new long[0], new float[] {0.1f}));
    t.put("empty", new TensorData(new long[] {0, 3}, new float[0]));
    t.put("lm_head.weight", new TensorData(new long[] {2, 2}, new float[] {7, 8, 9, 10}));
    return t;
  }

  static void assertBitExact(float[] expected, float[] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Integer.toHexString(Float.floatToRawIntBits(expected[i])),
          Integer.toHexString(Float.floatToRawIntBits(actual[i])), "value " + i);
    }
  }

  @Test
  void f32RoundTripKeepsOrderShapesMetadataAndExactBits() {
    Path file = dir.resolve("model.safetensors");
    SafetensorsWriter.write(file, tensors(), DType.F32, Map.of("format", "pt", "note", "<a&b>"));
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      assertEquals(List.copyOf(tensors().keySet()), List.copyOf(f.tensors().keySet()));
      assertEquals(Map.of("format", "pt", "note", "<a&b>"), f.metadata());
      for (Map.Entry<String, TensorData> e : tensors().entrySet()) {
        TensorData read = f.read(e.getKey());
        assertArrayEquals(e.getValue().shape(), read.shape(), e.getKey());
        assertBitExact(e.getValue().values(), read.values());
      }
    }
  }

  @Test
  void theLayoutIsTheReferenceOne() {
    Path file = dir.resolve("model.safetensors");
    SafetensorsWriter.write(file, tensors(), DType.F32, null);
    byte[] bytes = RawSafetensors.bytes(file);
    long n = RawSafetensors.headerLength(file);
    assertEquals(0, n % 8, "header padded to 8 bytes");
    String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
    assertTrue(header.startsWith("{"), header);
    assertTrue(header.stripTrailing().endsWith("}"), "padded with spaces only: [" + header + "]");
    JsonObject json = JsonParser.parseString(header).getAsJsonObject();
    assertTrue(!json.has("__metadata__"), "no metadata given, none written");
    long offset = 0;
    for (Map.Entry<String, TensorData> e : tensors().entrySet()) {
      JsonObject entry = json.getAsJsonObject(e.getKey());
      assertEquals("F32", entry.get("dtype").getAsString());
      assertEquals(offset, entry.getAsJsonArray("data_offsets").get(0).getAsLong(), e.getKey());
      offset += e.getValue().values().length * 4L;
      assertEquals(offset, entry.getAsJsonArray("data_offsets").get(1).getAsLong(), e.getKey());
    }
    assertEquals(8 + n + offset, bytes.length, "data packed right after the header");
    // First value of the first tensor, little-endian, right after the header.
    assertEquals(1f, ByteBuffer.wrap(bytes, (int) (8 + n), 4).order(ByteOrder.LITTLE_ENDIAN).getFloat());
  }

  @Test
  void f16AndBf16AreWrittenRoundedToNearestEven() {
    float[] values = {1f, -0.5f, 65504f, 1f + 0x1p-11f, 0x1p-24f, 1e6f, Float.NaN};
    Map<String, TensorData> t = Map.of("w", new TensorData(new long[] {values.length}, values));
    for (DType dtype : new DType[] {DType.F16, DType.BF16}) {
      Path file = dir.resolve(dtype + ".safetensors");
      SafetensorsWriter.write(file, t, dtype, null);
      // The raw bytes, read without the reader, are the documented conversions.
      ByteBuffer data = ByteBuffer.wrap(RawSafetensors.bytes(file)).order(ByteOrder.LITTLE_ENDIAN);
      data.position((int) (8 + RawSafetensors.headerLength(file)));
      float[] expected = new float[values.length];
      for (int i = 0; i < values.length; i++) {
        short bits = data.getShort();
        short want = dtype == DType.F16 ? DType.floatToHalf(values[i]) : DType.floatToBf16(values[i]);
        assertEquals(want, bits, dtype + " value " + i);
        expected[i] = dtype == DType.F16 ? DType.halfToFloat(bits) : DType.bf16ToFloat(bits);
      }
      assertEquals(0, data.remaining());
      try (SafetensorsFile f = SafetensorsFile.open(file)) {
        assertEquals(dtype, f.info("w").dtype());
        assertArrayEquals(expected, f.readFloats("w"));
      }
    }
    assertArrayEquals(new float[] {1f, -0.5f, 65504f, 1f, 0x1p-24f, Float.POSITIVE_INFINITY, Float.NaN},
        readAll(dir.resolve("F16.safetensors"), "w"));
  }

  private static float[] readAll(Path file, String name) {
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      return f.readFloats(name);
    }
  }

  @Test
  void largeTensorsCrossTheEncodingBufferIntact() {
    float[] values = new float[(1 << 18) * 2 + 17];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) Math.sin(i);
    }
    Path file = dir.resolve("big.safetensors");
    SafetensorsWriter.write(file, Map.of("w", new TensorData(new long[] {values.length}, values)), DType.F32, null);
    assertBitExact(values, readAll(file, "w"));
  }

  @Test
  void theStreamingOverloadAsksForEachTensorOnceInOrder() {
    Map<String, long[]> shapes = new LinkedHashMap<>();
    shapes.put("b", new long[] {2});
    shapes.put("a", new long[] {1, 3});
    List<String> asked = new ArrayList<>();
    Path file = dir.resolve("streamed.safetensors");
    SafetensorsWriter.write(file, shapes, DType.F32, null, name -> {
      asked.add(name);
      return name.equals("a") ? new float[] {1, 2, 3} : new float[] {4, 5};
    });
    assertEquals(List.of("b", "a"), asked);
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      assertArrayEquals(new float[] {1, 2, 3}, f.readFloats("a"));
      assertArrayEquals(new long[] {1, 3}, f.info("a").shape());
    }
  }

  @Test
  void aFailedWriteLeavesTheExistingFileWholeAndNoTemporaryBehind() throws IOException {
    Path file = dir.resolve("model.safetensors");
    SafetensorsWriter.write(file, tensors(), DType.F32, null);
    byte[] before = RawSafetensors.bytes(file);
    Map<String, long[]> shapes = new LinkedHashMap<>();
    shapes.put("a", new long[] {300_000}); // over a megabyte written before the failure
    shapes.put("b", new long[] {2});
    assertThrows(IllegalStateException.class, () -> SafetensorsWriter.write(file, shapes, DType.F32, null,
        name -> name.equals("a") ? new float[300_000] : new float[3])); // wrong length for b
    assertThrows(ArithmeticException.class, () -> SafetensorsWriter.write(file, shapes, DType.F32, null,
        name -> {
          throw new ArithmeticException("the merge failed");
        }));
    assertArrayEquals(before, RawSafetensors.bytes(file));
    try (Stream<Path> listing = Files.list(dir)) {
      assertEquals(List.of(file), listing.toList());
    }
  }

  @Test
  void theWrittenFileHasTheFoldersDefaultPermissions() throws IOException {
    Path file = dir.resolve("model.safetensors");
    SafetensorsWriter.write(file, tensors(), DType.F32, null);
    Path plain = Files.createFile(dir.resolve("plain"));
    if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
      // Files.createTempFile would have made it owner-only (rw-------) whatever the umask.
      assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(file));
    }
  }

  @Test
  void anUnwritableTargetIsAUserErrorNamingTheFile() throws IOException {
    Path notAFolder = Files.writeString(dir.resolve("file"), "x");
    Path file = notAFolder.resolve("model.safetensors");
    UserError e = assertThrows(UserError.class, () -> SafetensorsWriter.write(file, tensors(), DType.F32, null));
    assertTrue(e.getMessage().startsWith(file.toAbsolutePath() + ": cannot write")
        || e.getMessage().startsWith(file + ": cannot write"), e.getMessage());
  }

  @Test
  void programmingMistakesFailLoudly() {
    Path file = dir.resolve("x.safetensors");
    assertThrows(IllegalArgumentException.class, () -> SafetensorsWriter.write(file, tensors(), DType.F64, null));
    assertThrows(IllegalArgumentException.class, () -> SafetensorsWriter.write(file,
        Map.of("__metadata__", new TensorData(new long[] {1}, new float[1])), DType.F32, null));
    assertThrows(IllegalArgumentException.class, () -> new TensorData(new long[] {-1, -2}, new float[2]));
    assertThrows(IllegalArgumentException.class, () -> new TensorData(new long[] {2, 2}, new float[3]));
    assertTrue(!Files.exists(file));
  }
}
