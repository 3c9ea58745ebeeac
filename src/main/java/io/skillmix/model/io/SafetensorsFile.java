package io.skillmix.model.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.skillmix.UserError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@code .safetensors} file: an 8-byte little-endian header length, a JSON header naming
 * each tensor's dtype, shape and byte range, then the data. The header is checked whole before
 * anything of the size it claims is allocated; tensors are then read one at a time, on demand.
 */
public final class SafetensorsFile implements AutoCloseable {

  /** Largest header accepted: real ones are kilobytes; this bounds what a bad file can make us read. */
  static final long MAX_HEADER_BYTES = 100L << 20;

  private final Path file;
  private final FileChannel channel;
  private final long dataStart;
  private final Map<String, TensorInfo> tensors;
  private final Map<String, String> metadata;

  private SafetensorsFile(Path file, FileChannel channel, long dataStart, Map<String, TensorInfo> tensors,
      Map<String, String> metadata) {
    this.file = file;
    this.channel = channel;
    this.dataStart = dataStart;
    this.tensors = tensors;
    this.metadata = metadata;
  }

  public static SafetensorsFile open(Path file) {
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new UserError(file + ": not found");
    } catch (IOException e) {
      throw new UserError(file + ": cannot open (" + e.getMessage() + ")");
    }
    try {
      long size = channel.size();
      if (size < 8) {
        throw invalid(file, "shorter than the 8-byte header length");
      }
      ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(channel, lengthBytes, 0);
      long headerLength = lengthBytes.flip().getLong();
      if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > size - 8) {
        throw invalid(file, "header length " + Long.toUnsignedString(headerLength)
            + " is impossible for a file of " + size + " bytes");
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLength);
      readFully(channel, header, 8);
      String json = StandardCharsets.UTF_8.decode(header.flip()).toString();
      long dataStart = 8 + headerLength;
      Map<String, String> metadata = new LinkedHashMap<>();
      Map<String, TensorInfo> tensors = parseHeader(file, json, size - dataStart, metadata);
      return new SafetensorsFile(file, channel, dataStart, tensors, metadata);
    } catch (IOException e) {
      close(channel);
      throw new UserError(file + ": cannot read (" + e.getMessage() + ")");
    } catch (RuntimeException e) {
      close(channel);
      throw e;
    }
  }

  private static Map<String, TensorInfo> parseHeader(Path file, String json, long dataBytes,
      Map<String, String> metadata) {
    JsonObject root;
    try {
      JsonElement parsed = JsonParser.parseString(json);
      if (!parsed.isJsonObject()) {
        throw invalid(file, "the header is not a JSON object");
      }
      root = parsed.getAsJsonObject();
    } catch (JsonParseException e) {
      throw invalid(file, "the header is not valid JSON");
    }
    List<TensorInfo> infos = new ArrayList<>();
    for (Map.Entry<String, JsonElement> e : root.entrySet()) {
      String name = e.getKey();
      if (name.equals("__metadata__")) {
        if (!e.getValue().isJsonObject()) {
          throw invalid(file, "__metadata__ is not an object");
        }
        for (Map.Entry<String, JsonElement> m : e.getValue().getAsJsonObject().entrySet()) {
          if (!m.getValue().isJsonPrimitive()) {
            throw invalid(file, "__metadata__ value of '" + m.getKey() + "' is not a string");
          }
          metadata.put(m.getKey(), m.getValue().getAsString());
        }
        continue;
      }
      infos.add(parseEntry(file, name, e.getValue(), dataBytes));
    }
    // Byte ranges must not overlap (sorted by start, each starts at or after the previous end).
    List<TensorInfo> byOffset = new ArrayList<>(infos);
    byOffset.sort(Comparator.comparingLong(TensorInfo::begin));
    long previousEnd = 0;
    String previous = null;
    for (TensorInfo t : byOffset) {
      if (t.begin() < previousEnd && t.end() > t.begin()) {
        throw invalid(file, "tensors '" + previous + "' and '" + t.name() + "' overlap");
      }
      if (t.end() > t.begin()) {
        previousEnd = t.end();
        previous = t.name();
      }
    }
    Map<String, TensorInfo> out = new LinkedHashMap<>();
    for (TensorInfo t : infos) {
      out.put(t.name(), t);
    }
    return Collections.unmodifiableMap(out);
  }

  private static TensorInfo parseEntry(Path file, String name, JsonElement value, long dataBytes) {
    if (!value.isJsonObject()) {
      throw invalid(file, "entry '" + name + "' is not an object");
    }
    JsonObject o = value.getAsJsonObject();
    JsonElement dtypeJson = o.get("dtype");
    if (dtypeJson == null || !dtypeJson.isJsonPrimitive()) {
      throw invalid(file, "tensor '" + name + "' has no dtype");
    }
    DType dtype = DType.fromHeader(dtypeJson.getAsString());
    if (dtype == null) {
      throw invalid(file, "tensor '" + name + "' has unknown dtype " + dtypeJson.getAsString());
    }
    long[] shape = longs(file, name, "shape", o.get("shape"), -1);
    long[] offsets = longs(file, name, "data_offsets", o.get("data_offsets"), 2);
    long elements = 1;
    for (long d : shape) {
      if (d < 0) {
        throw invalid(file, "tensor '" + name + "' has a negative dimension");
      }
      try {
        elements = Math.multiplyExact(elements, d);
      } catch (ArithmeticException overflow) {
        throw invalid(file, "tensor '" + name + "' has an impossibly large shape");
      }
    }
    long begin = offsets[0];
    long end = offsets[1];
    if (begin < 0 || end < begin || end > dataBytes) {
      throw invalid(file, "tensor '" + name + "' has data_offsets [" + begin + ", " + end
          + "] outside the " + dataBytes + " data bytes (truncated file?)");
    }
    long expected;
    try {
      expected = Math.multiplyExact(elements, (long) dtype.bytes());
    } catch (ArithmeticException overflow) {
      throw invalid(file, "tensor '" + name + "' has an impossibly large shape");
    }
    if (end - begin != expected) {
      throw invalid(file, "tensor '" + name + "' spans " + (end - begin) + " bytes but its shape and "
          + dtype + " need " + expected);
    }
    return new TensorInfo(name, dtype, shape, begin, end);
  }

  private static long[] longs(Path file, String tensor, String key, JsonElement e, int length) {
    if (e == null || !e.isJsonArray()) {
      throw invalid(file, "tensor '" + tensor + "' has no " + key + " list");
    }
    JsonArray array = e.getAsJsonArray();
    if (length >= 0 && array.size() != length) {
      throw invalid(file, "tensor '" + tensor + "' needs " + length + " " + key);
    }
    long[] out = new long[array.size()];
    for (int i = 0; i < out.length; i++) {
      JsonElement x = array.get(i);
      if (!x.isJsonPrimitive() || !x.getAsJsonPrimitive().isNumber()) {
        throw invalid(file, "tensor '" + tensor + "' has a non-numeric " + key);
      }
      double d = x.getAsDouble();
      if (d != Math.rint(d) || Math.abs(d) > 9.0e15) {
        throw invalid(file, "tensor '" + tensor + "' has a non-integer " + key);
      }
      out[i] = x.getAsLong();
    }
    return out;
  }

  static UserError invalid(Path file, String reason) {
    return new UserError(file + ": not a valid safetensors file: " + reason);
  }

  public Path file() {
    return file;
  }

  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  public Map<String, String> metadata() {
    return Collections.unmodifiableMap(metadata);
  }

  public TensorData read(String name) {
    TensorInfo info = info(name);
    return new TensorData(info.shape(), readFloats(name));
  }

  public TensorInfo info(String name) {
    TensorInfo info = tensors.get(name);
    if (info == null) {
      throw new UserError(file + ": no tensor named '" + name + "'");
    }
    return info;
  }

  /** The tensor's values as floats (F16 and BF16 widened, F64 and integers converted). */
  public float[] readFloats(String name) {
    TensorInfo info = info(name);
    if (info.elements() > Integer.MAX_VALUE - 8) {
      throw new UserError(file + ": tensor '" + name + "' has " + info.elements()
          + " values, more than one Java array holds");
    }
    int n = (int) info.elements();
    ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(info.end() - info.begin()))
        .order(ByteOrder.LITTLE_ENDIAN);
    try {
      readFully(channel, bytes, dataStart + info.begin());
    } catch (IOException e) {
      throw new UserError(file + ": cannot read tensor '" + name + "' (" + e.getMessage() + ")");
    }
    bytes.flip();
    float[] out = new float[n];
    switch (info.dtype()) {
      case F32 -> bytes.asFloatBuffer().get(out);
      case F16 -> {
        for (int i = 0; i < n; i++) {
          out[i] = DType.halfToFloat(bytes.getShort());
        }
      }
      case BF16 -> {
        for (int i = 0; i < n; i++) {
          out[i] = DType.bf16ToFloat(bytes.getShort());
        }
      }
      case F64 -> {
        for (int i = 0; i < n; i++) {
          out[i] = (float) bytes.getDouble();
        }
      }
      default -> throw new UserError(file + ": tensor '" + name + "' has dtype " + info.dtype()
          + "; only F32, F16, BF16 and F64 weights are supported");
    }
    return out;
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, at);
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
      at += n;
    }
  }

  private static void close(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // already failing: the first error is the one to report
    }
  }

  @Override
  public void close() {
    close(channel);
  }
}
