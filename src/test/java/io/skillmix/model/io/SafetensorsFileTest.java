package io.skillmix.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.UserError;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading files written by hand, and refusing every kind of malformed one with a one-line reason. */
class SafetensorsFileTest {

  @TempDir Path dir;

  private Path file(String name) {
    return dir.resolve(name);
  }

  @Test
  void readsHandWrittenF16() {
    // 1, -2, 0.5, max 65504, smallest subnormal 2^-24, largest subnormal, -0, +inf, -inf, NaN
    byte[] data = RawSafetensors.shorts(0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0x03ff, 0x8000, 0x7c00,
        0xfc00, 0x7e00);
    Path f16 = RawSafetensors.write(file("f16.safetensors"),
        "{\"w\":{\"dtype\":\"F16\",\"shape\":[2,5],\"data_offsets\":[0,20]}}", data);
    try (SafetensorsFile f = SafetensorsFile.open(f16)) {
      float[] v = f.readFloats("w");
      assertArrayEquals(new float[] {1f, -2f, 0.5f, 65504f, 0x1p-24f, 0x3ffp-24f, -0f,
          Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN}, v);
      assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(v[6]));
      assertArrayEquals(new long[] {2, 5}, f.info("w").shape());
      assertEquals(DType.F16, f.info("w").dtype());
    }
  }

  @Test
  void readsHandWrittenBf16WithMetadataAndGaps() {
    // The top halves of 1.0, -3.0, 0.15625 and 2^-130 (a float subnormal), then an F32 tensor after
    // 4 unused bytes: a gap is allowed, as long as nothing overlaps.
    byte[] bf16 = RawSafetensors.shorts(0x3f80, 0xc040, 0x3e20, 0x0010);
    byte[] data = new byte[8 + 4 + 4];
    System.arraycopy(bf16, 0, data, 0, 8);
    System.arraycopy(RawSafetensors.floats(42.5f), 0, data, 12, 4);
    Path file = RawSafetensors.write(file("bf16.safetensors"),
        "{\"__metadata__\":{\"format\":\"pt\"},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[12,16]},"
            + "\"a\":{\"dtype\":\"BF16\",\"shape\":[2,2],\"data_offsets\":[0,8]}}  ", data);
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      assertEquals(List.of("b", "a"), List.copyOf(f.tensors().keySet()), "the header's order");
      assertEquals(Map.of("format", "pt"), f.metadata());
      assertArrayEquals(new float[] {1f, -3f, 0.15625f, Float.intBitsToFloat(0x00100000)}, f.readFloats("a"));
      TensorData scalar = f.read("b");
      assertArrayEquals(new long[0], scalar.shape());
      assertArrayEquals(new float[] {42.5f}, scalar.values());
    }
  }

  @Test
  void convertsF64AndIntegersAndRefusesOtherDtypesByName() {
    ByteBuffer b = ByteBuffer.allocate(8 + 8 + 4 + 2).order(ByteOrder.LITTLE_ENDIAN);
    b.putDouble(0.1).putLong(-7).putInt(123456).put((byte) 1).put((byte) 2);
    Path file = RawSafetensors.write(file("mixed.safetensors"),
        "{\"d\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]},"
            + "\"l\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[8,16]},"
            + "\"i\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[16,20]},"
            + "\"u\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[20,22]}}", b.array());
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      assertArrayEquals(new float[] {0.1f}, f.readFloats("d"));
      assertArrayEquals(new float[] {-7f}, f.readFloats("l"));
      assertArrayEquals(new float[] {123456f}, f.readFloats("i"));
      assertEquals(DType.U8, f.info("u").dtype());
      UserError e = assertThrows(UserError.class, () -> f.readFloats("u"));
      assertTrue(e.getMessage().startsWith(file + ": tensor 'u' has dtype U8; only F32, F16, BF16"),
          e.getMessage());
      UserError missing = assertThrows(UserError.class, () -> f.readFloats("nope"));
      assertTrue(missing.getMessage().contains("no tensor named 'nope'"), missing.getMessage());
    }
  }

  /** Larger than the 1 MiB read buffer, so values cross chunk boundaries. */
  @Test
  void readsLargeTensorsWholeAndInRanges() {
    int n = 700_001;
    ByteBuffer f32 = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer f16 = ByteBuffer.allocate(n * 2).order(ByteOrder.LITTLE_ENDIAN);
    float[] expected32 = new float[n];
    float[] expected16 = new float[n];
    for (int i = 0; i < n; i++) {
      expected32[i] = i * 0.5f - 1000f;
      f32.putFloat(expected32[i]);
      short h = (short) (i % 0x7c00); // every finite positive half, cycling
      expected16[i] = DType.halfToFloat(h);
      f16.putShort(h);
    }
    byte[] data = new byte[n * 6];
    System.arraycopy(f32.array(), 0, data, 0, n * 4);
    System.arraycopy(f16.array(), 0, data, n * 4, n * 2);
    Path file = RawSafetensors.write(file("big.safetensors"),
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[" + n + "],\"data_offsets\":[0," + n * 4 + "]},"
            + "\"h\":{\"dtype\":\"F16\",\"shape\":[" + n + "],\"data_offsets\":[" + n * 4 + "," + n * 6 + "]}}",
        data);
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      assertArrayEquals(expected32, f.readFloats("a"));
      assertArrayEquals(expected16, f.readFloats("h"));
      float[] part = new float[300_000];
      f.readFloats("h", 400_001, part);
      assertArrayEquals(Arrays.copyOfRange(expected16, 400_001, n), part);
      assertThrows(IndexOutOfBoundsException.class, () -> f.readFloats("h", 400_002, part));
      assertThrows(IndexOutOfBoundsException.class, () -> f.readFloats("h", -1, new float[1]));
    }
  }

  private static final String GOOD = "\"w\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}";

  /** Each header sits in a file with 4 data bytes (one F16 tensor of 2 values fits exactly). */
  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      [1,2]                                                                  | not a JSON object
      `"w"`                                                                  | not a JSON object
      not json                                                               | not valid JSON
      {"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}                  | not valid JSON
      {w:{dtype:F16,shape:[2],data_offsets:[0,4]}}                           | not valid JSON
      {"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}} {}              | not valid JSON
      {"w":5}                                                                | entry 'w' is not an object
      {"w":{"shape":[2],"data_offsets":[0,4]}}                               | has no dtype
      {"w":{"dtype":16,"shape":[2],"data_offsets":[0,4]}}                    | has no dtype
      {"w":{"dtype":"Q4","shape":[2],"data_offsets":[0,4]}}                  | unknown or unsupported dtype 'Q4'
      {"w":{"dtype":"F16","data_offsets":[0,4]}}                             | has no shape list
      {"w":{"dtype":"F16","shape":"2","data_offsets":[0,4]}}                 | has no shape list
      {"w":{"dtype":"F16","shape":["2"],"data_offsets":[0,4]}}               | non-numeric shape
      {"w":{"dtype":"F16","shape":[2.5],"data_offsets":[0,4]}}               | not an integer
      {"w":{"dtype":"F16","shape":[1e30],"data_offsets":[0,4]}}              | not an integer
      {"w":{"dtype":"F16","shape":[2],"data_offsets":[0,2,4]}}               | has 3 data_offsets, not 2
      {"w":{"dtype":"F16","shape":[2]}}                                      | has no data_offsets list
      {"w":{"dtype":"F16","shape":[-2],"data_offsets":[0,4]}}                | negative dimension
      {"w":{"dtype":"F16","shape":[-2,-1],"data_offsets":[0,4]}}             | negative dimension
      {"w":{"dtype":"F16","shape":[4294967296,4294967296],"data_offsets":[0,4]}} | impossibly large shape
      {"w":{"dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,4]}}   | impossibly large shape
      {"w":{"dtype":"F16","shape":[2],"data_offsets":[-2,2]}}                | not a byte range
      {"w":{"dtype":"F16","shape":[0],"data_offsets":[4,2]}}                 | not a byte range
      {"w":{"dtype":"F16","shape":[200],"data_offsets":[0,400]}}             | past the end of the 4 data bytes
      {"w":{"dtype":"F16","shape":[2],"data_offsets":[0,3]}}                 | spans 3 bytes but its shape [2] of F16 needs 4
      {"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}                 | needs 8
      {"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"F16","shape":[1],"data_offsets":[2,4]}} | overlap
      {"a":{"dtype":"F16","shape":[1],"data_offsets":[2,4]},"b":{"dtype":"U8","shape":[3],"data_offsets":[0,3]}}  | overlap
      {"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}} | the key 'w' twice
      {"__metadata__":[1],"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}        | __metadata__ is not an object
      {"__metadata__":{"epoch":3},"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}} | value of 'epoch' is not a string
      """)
  void malformedHeadersAreRefusedNamingTheFileAndTheReason(String header, String reason) {
    Path file = RawSafetensors.write(file("bad.safetensors"), header, new byte[4]);
    assertRefused(file, reason);
  }

  @Test
  void aWellFormedHeaderLikeTheBadOnesIsAccepted() {
    // The control for the cases above: the same file with a correct header opens.
    Path file = RawSafetensors.write(file("good.safetensors"), "{" + GOOD + "}", new byte[4]);
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      assertArrayEquals(new float[] {0f, 0f}, f.readFloats("w"));
    }
  }

  @Test
  void headerBytesThatAreNotUtf8AreRefused() {
    byte[] header = ("{\"w\u00e9\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}")
        .getBytes(StandardCharsets.ISO_8859_1); // é as one Latin-1 byte: malformed UTF-8
    Path file = RawSafetensors.write(file("latin1.safetensors"), header.length, header, new byte[4]);
    assertRefused(file, "not UTF-8");
  }

  @Test
  void impossibleHeaderLengthsAreRefused() {
    byte[] header = ("{" + GOOD + "}").getBytes(StandardCharsets.UTF_8);
    assertRefused(RawSafetensors.write(file("long.safetensors"), header.length + 5, header, new byte[4]),
        "header length " + (header.length + 5) + " is more than the file's");
    assertRefused(RawSafetensors.write(file("zero.safetensors"), 0, new byte[0], new byte[4]),
        "too short for a JSON object");
    assertRefused(RawSafetensors.write(file("negative.safetensors"), -8, header, new byte[4]),
        "header length 18446744073709551608 is over the");
    assertRefused(RawSafetensors.writeBytes(file("tiny.safetensors"), new byte[] {2, 0, 0}),
        "shorter than the 8-byte header length");
  }

  @Test
  void aHeaderClaiming2To40BytesIsRefusedWithoutAllocatingIt() {
    Path file = RawSafetensors.write(file("huge.safetensors"), 1L << 40, new byte[56], new byte[0]);
    // Refused by the length check: an attempt to allocate 1 TiB would throw OutOfMemoryError (an
    // Error, not the UserError asserted here).
    assertRefused(file, "header length 1099511627776");
  }

  /** The cap is independent of the file's size: a sparse 200 MB file may not claim a 150 MB header. */
  @Test
  void aHeaderOverTheCapIsRefusedEvenWhenTheFileIsThatLarge() throws Exception {
    Path file = file("sparse.safetensors");
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(200L << 20);
      raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(150L << 20).array());
    }
    assertRefused(file, "is over the " + SafetensorsFile.MAX_HEADER_BYTES + "-byte limit");
  }

  @Test
  void aTruncatedFileIsRefused() {
    Path file = file("model.safetensors");
    SafetensorsWriter.write(file, Map.of("w", new TensorData(new long[] {4}, new float[] {1, 2, 3, 4})),
        DType.F32, null);
    byte[] whole = RawSafetensors.bytes(file);
    Path cut = file("cut.safetensors");
    assertRefused(RawSafetensors.writeBytes(cut, Arrays.copyOf(whole, whole.length - 5)), "truncated file?");
    assertRefused(RawSafetensors.writeBytes(cut, Arrays.copyOf(whole, 20)), "truncated file?"); // in the header
  }

  @Test
  void aMissingFileIsAUserError() {
    UserError e = assertThrows(UserError.class, () -> SafetensorsFile.open(file("absent.safetensors")));
    assertEquals(file("absent.safetensors") + ": not found", e.getMessage());
  }

  private static void assertRefused(Path file, String reason) {
    UserError e = assertThrows(UserError.class, () -> SafetensorsFile.open(file).close());
    String message = e.getMessage();
    assertTrue(message.startsWith(file + ": not a valid safetensors file: "), message);
    assertTrue(message.contains(reason), "expected '" + reason + "' in: " + message);
    assertTrue(!message.contains("\n"), "one line: " + message);
  }
}
