package io.skillmix.model.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON header of a safetensors file, checked before anything is allocated: every entry's dtype,
 * shape and offsets, offsets inside the data and without overlap, counts that fit in 64 bits, and
 * the optional {@code __metadata__} of strings. Any violation is one line naming the file.
 */
final class SafetensorsHeader {

  private SafetensorsHeader() {}

  static Map<String, TensorInfo> parse(Path file, String json, long dataBytes,
      Map<String, String> metadata) {
    Map<String, JsonElement> root;
    try {
      JsonReader reader = new JsonReader(new StringReader(json));
      reader.setStrictness(Strictness.STRICT);
      root = readObject(file, reader, "the header");
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw SafetensorsFile.invalid(file, "the header has text after its JSON object");
      }
    } catch (IOException | JsonParseException | IllegalStateException | NumberFormatException e) {
      throw SafetensorsFile.invalid(file, "the header is not valid JSON");
    }
    List<TensorInfo> infos = new ArrayList<>();
    for (Map.Entry<String, JsonElement> e : root.entrySet()) {
      String name = e.getKey();
      if (name.equals("__metadata__")) {
        readMetadata(file, e.getValue(), metadata);
      } else {
        infos.add(parseEntry(file, name, e.getValue(), dataBytes));
      }
    }
    checkNoOverlap(file, infos);
    Map<String, TensorInfo> out = new LinkedHashMap<>();
    for (TensorInfo t : infos) {
      out.put(t.name(), t);
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * One JSON object whose values are parsed by Gson (iteratively, so deep nesting cannot overflow the
   * stack). Gson keeps the last of duplicate keys; a header naming a tensor twice is refused instead.
   */
  private static Map<String, JsonElement> readObject(Path file, JsonReader reader, String what)
      throws IOException {
    if (reader.peek() != JsonToken.BEGIN_OBJECT) {
      throw SafetensorsFile.invalid(file, what + " is not a JSON object");
    }
    Map<String, JsonElement> out = new LinkedHashMap<>();
    reader.beginObject();
    while (reader.hasNext()) {
      String key = reader.nextName();
      if (out.put(key, JsonParser.parseReader(reader)) != null) {
        throw SafetensorsFile.invalid(file, what + " has the key '" + key + "' twice");
      }
    }
    reader.endObject();
    return out;
  }

  private static void readMetadata(Path file, JsonElement value, Map<String, String> metadata) {
    if (!value.isJsonObject()) {
      throw SafetensorsFile.invalid(file, "__metadata__ is not an object");
    }
    for (Map.Entry<String, JsonElement> m : value.getAsJsonObject().entrySet()) {
      if (!isString(m.getValue())) {
        throw SafetensorsFile.invalid(file, "__metadata__ value of '" + m.getKey() + "' is not a string");
      }
      metadata.put(m.getKey(), m.getValue().getAsString());
    }
  }

  private static TensorInfo parseEntry(Path file, String name, JsonElement value, long dataBytes) {
    if (!value.isJsonObject()) {
      throw SafetensorsFile.invalid(file, "entry '" + name + "' is not an object");
    }
    JsonElement dtypeJson = value.getAsJsonObject().get("dtype");
    if (!isString(dtypeJson)) {
      throw SafetensorsFile.invalid(file, "tensor '" + name + "' has no dtype string");
    }
    DType dtype = DType.fromHeader(dtypeJson.getAsString());
    if (dtype == null) {
      throw SafetensorsFile.invalid(file, "tensor '" + name + "' has unknown or unsupported dtype '"
          + dtypeJson.getAsString() + "'");
    }
    long[] shape = longs(file, name, "shape", value.getAsJsonObject().get("shape"), -1);
    long[] offsets = longs(file, name, "data_offsets", value.getAsJsonObject().get("data_offsets"), 2);
    long expected;
    try {
      expected = Math.multiplyExact(Shapes.elements(shape), (long) dtype.bytes());
    } catch (IllegalArgumentException negative) {
      throw SafetensorsFile.invalid(file, "tensor '" + name + "' has a negative dimension in " + Arrays.toString(shape));
    } catch (ArithmeticException overflow) {
      throw SafetensorsFile.invalid(file, "tensor '" + name + "' has an impossibly large shape " + Arrays.toString(shape));
    }
    long begin = offsets[0];
    long end = offsets[1];
    if (begin < 0 || end < begin) {
      throw SafetensorsFile.invalid(file, "tensor '" + name + "' has data_offsets [" + begin + ", " + end
          + "], which is not a byte range");
    }
    if (end > dataBytes) {
      throw SafetensorsFile.invalid(file, "tensor '" + name + "' has data_offsets [" + begin + ", " + end
          + "] past the end of the " + dataBytes + " data bytes (truncated file?)");
    }
    if (end - begin != expected) {
      throw SafetensorsFile.invalid(file, "tensor '" + name + "' spans " + (end - begin) + " bytes but its shape "
          + Arrays.toString(shape) + " of " + dtype + " needs " + expected);
    }
    return new TensorInfo(name, dtype, shape, begin, end);
  }

  /** Byte ranges must not overlap: sorted by start, each starts at or after the previous end. */
  private static void checkNoOverlap(Path file, List<TensorInfo> infos) {
    List<TensorInfo> byOffset = new ArrayList<>(infos);
    byOffset.removeIf(t -> t.begin() == t.end()); // empty tensors occupy no bytes
    byOffset.sort(Comparator.comparingLong(TensorInfo::begin));
    for (int i = 1; i < byOffset.size(); i++) {
      TensorInfo previous = byOffset.get(i - 1);
      TensorInfo t = byOffset.get(i);
      if (t.begin() < previous.end()) {
        throw SafetensorsFile.invalid(file, "tensors '" + previous.name() + "' and '" + t.name() + "' overlap");
      }
    }
  }

  private static boolean isString(JsonElement e) {
    return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
  }

  /** A list of exact integers: 2.0 is accepted, 2.5, 1e30 and strings are not. */
  private static long[] longs(Path file, String tensor, String key, JsonElement e, int length) {
    if (e == null || !e.isJsonArray()) {
      throw SafetensorsFile.invalid(file, "tensor '" + tensor + "' has no " + key + " list");
    }
    JsonArray array = e.getAsJsonArray();
    if (length >= 0 && array.size() != length) {
      throw SafetensorsFile.invalid(file, "tensor '" + tensor + "' has " + array.size() + " " + key + ", not " + length);
    }
    long[] out = new long[array.size()];
    for (int i = 0; i < out.length; i++) {
      JsonElement x = array.get(i);
      if (!x.isJsonPrimitive() || !x.getAsJsonPrimitive().isNumber()) {
        throw SafetensorsFile.invalid(file, "tensor '" + tensor + "' has a non-numeric " + key);
      }
      try {
        BigDecimal exact = ((JsonPrimitive) x).getAsBigDecimal();
        out[i] = exact.longValueExact();
      } catch (ArithmeticException | NumberFormatException notALong) {
        throw SafetensorsFile.invalid(file, "tensor '" + tensor + "' has " + key + " value " + x
            + ", not an integer that fits in 64 bits");
      }
    }
    return out;
  }

}
