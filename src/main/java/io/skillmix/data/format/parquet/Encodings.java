package io.skillmix.data.format.parquet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The value and level encodings of Parquet pages: PLAIN, dictionary indices and levels in the
 * RLE/bit-packed hybrid, and the DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY
 * encodings that version-2 writers choose. Byte arrays decode as UTF-8 text ({@link InvalidText}
 * where they are not UTF-8).
 */
final class Encodings {

  static final int PLAIN = 0;
  static final int PLAIN_DICTIONARY = 2;
  static final int RLE = 3;
  static final int DELTA_BINARY_PACKED = 5;
  static final int DELTA_LENGTH_BYTE_ARRAY = 6;
  static final int DELTA_BYTE_ARRAY = 7;
  static final int RLE_DICTIONARY = 8;

  static final int BOOLEAN = 0;
  static final int INT32 = 1;
  static final int INT64 = 2;
  static final int INT96 = 3;
  static final int FLOAT = 4;
  static final int DOUBLE = 5;
  static final int BYTE_ARRAY = 6;
  static final int FIXED_LEN_BYTE_ARRAY = 7;

  private static final String[] NAMES = {"PLAIN", "GROUP_VAR_INT", "PLAIN_DICTIONARY", "RLE",
      "BIT_PACKED", "DELTA_BINARY_PACKED", "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY",
      "RLE_DICTIONARY", "BYTE_STREAM_SPLIT"};

  private Encodings() {}

  private static final String[] TYPES = {"BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE", "BYTE_ARRAY",
      "FIXED_LEN_BYTE_ARRAY"};

  /** A physical type's name; "no type" for a group (-1). */
  static String typeName(long type) {
    return type >= 0 && type < TYPES.length ? TYPES[(int) type] : type < 0 ? "no type" : "type " + type;
  }

  static String name(int encoding) {
    return encoding >= 0 && encoding < NAMES.length ? NAMES[encoding] : "encoding " + encoding;
  }

  /** Bits needed for levels up to {@code max}. */
  static int bitWidth(int max) {
    return 32 - Integer.numberOfLeadingZeros(max);
  }

  /** Decodes {@code count} values of the RLE/bit-packed hybrid into {@code out}. */
  static void hybrid(ByteCursor in, int width, int count, int[] out, int offset) throws ParquetException {
    if (width > 32) {
      throw new ParquetException("damaged page: a bit width of " + width);
    }
    int done = 0;
    while (done < count) {
      long header = in.varint();
      if ((header & 1) == 0) {
        long run = header >>> 1;
        int bytes = (width + 7) / 8;
        int value = 0;
        for (int i = 0; i < bytes; i++) {
          value |= in.u8() << (8 * i);
        }
        int n = (int) Math.min(run, count - done);
        Arrays.fill(out, offset + done, offset + done + n, value);
        done += n;
      } else {
        long values = (header >>> 1) * 8;
        int n = (int) Math.min(values, count - done);
        for (int i = 0; i < n; i++) {
          out[offset + done + i] = (int) in.bits((long) i * width, width);
        }
        // The last run may be cut at the end of the section; its values were read above.
        in.pos = (int) Math.min(in.limit, in.pos + values * width / 8);
        done += n;
      }
    }
  }

  /** {@code count} PLAIN values of a physical type. */
  static List<Object> plain(ByteCursor in, int type, int typeLength, int count) throws ParquetException {
    long bits = switch (type) {
      case BOOLEAN -> 1;
      case INT32, FLOAT, BYTE_ARRAY -> 32;
      case INT64, DOUBLE -> 64;
      case INT96 -> 96;
      default -> 8L * Math.max(1, typeLength);
    };
    in.need((count * bits + 7) / 8); // at least this much: a page cannot claim more values than it holds
    List<Object> out = new ArrayList<>(count);
    switch (type) {
      case BOOLEAN -> {
        for (int i = 0; i < count; i++) {
          out.add(in.bits(i, 1) == 1);
        }
        in.pos += (count + 7) / 8;
      }
      case INT32 -> {
        for (int i = 0; i < count; i++) {
          out.add(in.int32());
        }
      }
      case INT64 -> {
        for (int i = 0; i < count; i++) {
          out.add(in.int64());
        }
      }
      case FLOAT -> {
        for (int i = 0; i < count; i++) {
          out.add(Float.intBitsToFloat(in.int32()));
        }
      }
      case DOUBLE -> {
        for (int i = 0; i < count; i++) {
          out.add(Double.longBitsToDouble(in.int64()));
        }
      }
      case BYTE_ARRAY -> {
        for (int i = 0; i < count; i++) {
          int length = in.int32();
          out.add(text(in, length));
        }
      }
      case INT96, FIXED_LEN_BYTE_ARRAY -> {
        int length = type == INT96 ? 12 : typeLength;
        for (int i = 0; i < count; i++) {
          out.add(text(in, length));
        }
      }
      default -> throw new ParquetException("damaged metadata: physical type " + type);
    }
    return out;
  }

  /** A byte array's text, or {@link InvalidText#INSTANCE} when it is not valid UTF-8. */
  private static Object text(ByteCursor in, int length) throws ParquetException {
    in.need(length);
    Object s = InvalidText.of(in.data, in.pos, length);
    in.pos += length;
    return s;
  }

  /** DELTA_BINARY_PACKED: blocks of miniblocks of bit-packed deltas from a first value. */
  static long[] deltaBinaryPacked(ByteCursor in, int expected) throws ParquetException {
    long blockSize = in.varint();
    long miniblocks = in.varint();
    long total = in.varint();
    long value = in.zigzag();
    if (blockSize <= 0 || miniblocks <= 0 || blockSize % miniblocks != 0 || total < 0
        || total > expected || miniblocks > blockSize || blockSize > 1 << 20) {
      throw new ParquetException("damaged page: a DELTA_BINARY_PACKED header of " + blockSize
          + " per block, " + miniblocks + " miniblocks, " + total + " values");
    }
    int perMiniblock = (int) (blockSize / miniblocks);
    long[] out = new long[(int) total];
    int n = 0;
    if (total > 0) {
      out[n++] = value;
    }
    while (n < total) {
      long minDelta = in.zigzag();
      int[] widths = new int[(int) miniblocks];
      for (int i = 0; i < miniblocks; i++) {
        widths[i] = in.u8();
      }
      for (int m = 0; m < miniblocks && n < total; m++) {
        if (widths[m] > 64) {
          throw new ParquetException("damaged page: a bit width of " + widths[m]);
        }
        for (int i = 0; i < perMiniblock && n < total; i++) {
          value += minDelta + in.bits((long) i * widths[m], widths[m]);
          out[n++] = value;
        }
        long bytes = (long) perMiniblock * widths[m] / 8;
        in.need(bytes);
        in.pos += (int) bytes;
      }
    }
    return out;
  }

  /** DELTA_LENGTH_BYTE_ARRAY: the lengths delta-packed, then the bytes one after another. */
  static List<Object> deltaLengthByteArray(ByteCursor in, int count) throws ParquetException {
    long[] lengths = deltaBinaryPacked(in, count);
    if (lengths.length < count) {
      throw new ParquetException("damaged page: " + lengths.length + " lengths for " + count + " values");
    }
    List<Object> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(text(in, checkedLength(lengths[i])));
    }
    return out;
  }

  /** DELTA_BYTE_ARRAY: each value is a prefix of the one before plus a suffix. */
  static List<Object> deltaByteArray(ByteCursor in, int count) throws ParquetException {
    long[] prefixes = deltaBinaryPacked(in, count);
    long[] suffixes = deltaBinaryPacked(in, count);
    if (prefixes.length < count || suffixes.length < count) {
      throw new ParquetException("damaged page: too few DELTA_BYTE_ARRAY lengths");
    }
    List<Object> out = new ArrayList<>(count);
    byte[] previous = new byte[0];
    for (int i = 0; i < count; i++) {
      int prefix = checkedLength(prefixes[i]);
      int suffix = checkedLength(suffixes[i]);
      if (prefix > previous.length) {
        throw new ParquetException("damaged page: a prefix longer than the value before it");
      }
      in.need(suffix);
      byte[] value = Arrays.copyOf(previous, prefix + suffix);
      System.arraycopy(in.data, in.pos, value, prefix, suffix);
      in.pos += suffix;
      out.add(InvalidText.of(value, 0, value.length));
      previous = value;
    }
    return out;
  }

  private static int checkedLength(long length) throws ParquetException {
    if (length < 0 || length > Integer.MAX_VALUE) {
      throw new ParquetException("damaged page: a value of " + length + " bytes");
    }
    return (int) length;
  }
}
