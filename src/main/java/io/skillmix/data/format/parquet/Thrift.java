package io.skillmix.data.format.parquet;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Thrift's compact protocol, in which Parquet writes its footer and page headers, into
 * generic structs (field id to value) that the caller picks fields from by id.
 */
final class Thrift {

  /** One decoded struct. Values: Long (all integers), Boolean, Double, byte[], List, Struct. */
  record Struct(Map<Integer, Object> fields) {

    boolean has(int id) {
      return fields.containsKey(id);
    }

    long longValue(int id) throws ParquetException {
      if (fields.get(id) instanceof Long v) {
        return v;
      }
      throw new ParquetException("damaged metadata: integer field " + id + " is missing");
    }

    int intValue(int id) throws ParquetException {
      long v = longValue(id);
      if (v != (int) v) {
        throw new ParquetException("damaged metadata: field " + id + " is out of range");
      }
      return (int) v;
    }

    long longOr(int id, long otherwise) {
      return fields.get(id) instanceof Long v ? v : otherwise;
    }

    boolean boolOr(int id, boolean otherwise) {
      return fields.get(id) instanceof Boolean v ? v : otherwise;
    }

    String string(int id) {
      return fields.get(id) instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : null;
    }

    Struct struct(int id) {
      return fields.get(id) instanceof Struct s ? s : null;
    }

    List<?> list(int id) {
      return fields.get(id) instanceof List<?> l ? l : List.of();
    }
  }

  private static final int MAX_DEPTH = 64;

  private final ByteCursor in;

  Thrift(byte[] buf, int pos, int limit) {
    this.in = new ByteCursor(buf, pos, limit, "metadata");
  }

  int position() {
    return in.pos;
  }

  Struct readStruct() throws ParquetException {
    return readStruct(0);
  }

  private Struct readStruct(int depth) throws ParquetException {
    if (depth > MAX_DEPTH) {
      throw new ParquetException("damaged metadata: nested too deep");
    }
    Map<Integer, Object> fields = new HashMap<>();
    int last = 0;
    while (true) {
      int header = u8();
      if (header == 0) {
        return new Struct(fields);
      }
      int type = header & 0x0F;
      int delta = header >>> 4;
      int id = delta != 0 ? last + delta : (short) zigzag(varint());
      last = id;
      fields.put(id, value(type, depth));
    }
  }

  private Object value(int type, int depth) throws ParquetException {
    return switch (type) {
      case 1 -> Boolean.TRUE;
      case 2 -> Boolean.FALSE;
      case 3 -> (long) (byte) u8();
      case 4, 5, 6 -> zigzag(varint());
      case 7 -> Double.longBitsToDouble(in.int64());
      case 8 -> binary();
      case 9, 10 -> list(depth);
      case 11 -> map(depth);
      case 12 -> readStruct(depth + 1);
      default -> throw new ParquetException("damaged metadata: unknown Thrift type " + type);
    };
  }

  private List<Object> list(int depth) throws ParquetException {
    int header = u8();
    long size = header >>> 4;
    int type = header & 0x0F;
    if (size == 15) {
      size = varint();
    }
    in.need(size); // every element takes at least a byte
    List<Object> out = new ArrayList<>((int) size);
    for (int i = 0; i < size; i++) {
      out.add(type == 1 || type == 2 ? Boolean.valueOf(u8() == 1) : value(type, depth + 1));
    }
    return out;
  }

  private List<Object> map(int depth) throws ParquetException {
    long size = varint();
    in.need(size);
    List<Object> out = new ArrayList<>();
    if (size > 0) {
      int types = u8();
      for (int i = 0; i < size; i++) {
        out.add(List.of(element(types >>> 4, depth), element(types & 0x0F, depth)));
      }
    }
    return out;
  }

  private Object element(int type, int depth) throws ParquetException {
    return type == 1 || type == 2 ? Boolean.valueOf(u8() == 1) : value(type, depth + 1);
  }

  private byte[] binary() throws ParquetException {
    long length = in.varint();
    in.need(length);
    byte[] out = new byte[(int) length];
    System.arraycopy(in.data, in.pos, out, 0, out.length);
    in.pos += out.length;
    return out;
  }

  private long varint() throws ParquetException {
    return in.varint();
  }

  private static long zigzag(long v) {
    return (v >>> 1) ^ -(v & 1);
  }

  private int u8() throws ParquetException {
    return in.u8();
  }
}
