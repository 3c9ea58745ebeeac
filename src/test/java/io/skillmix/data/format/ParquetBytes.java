package io.skillmix.data.format;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes small Parquet files byte by byte (Thrift compact protocol, one row group, REQUIRED
 * BYTE_ARRAY columns, PLAIN values in one uncompressed data page v1 each), so a test can build what
 * no well-behaved writer makes: bytes that are not UTF-8, a column chunk whose type disagrees with
 * the schema, an empty schema, a page header that claims a huge page.
 */
final class ParquetBytes {

  static final int BYTE_ARRAY = 6;
  static final int INT32 = 1;

  /** Column name → values (raw bytes, so they need not be UTF-8). */
  final Map<String, List<byte[]>> columns = new LinkedHashMap<>();
  /** The physical type the column chunks declare (the schema always says BYTE_ARRAY). */
  int chunkType = BYTE_ARRAY;
  /** Leave every column out of the schema (the row group still holds them). */
  boolean emptySchema;
  /** Compress the pages with GZIP (Parquet codec 2) instead of storing them. */
  boolean gzipPages;

  ParquetBytes column(String name, String... values) {
    List<byte[]> bytes = new ArrayList<>();
    for (String v : values) {
      bytes.add(v.getBytes(StandardCharsets.UTF_8));
    }
    columns.put(name, bytes);
    return this;
  }

  ParquetBytes rawColumn(String name, byte[]... values) {
    columns.put(name, List.of(values));
    return this;
  }

  byte[] bytes() {
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    file.writeBytes("PAR1".getBytes(StandardCharsets.US_ASCII));
    int rows = columns.values().iterator().next().size();
    List<long[]> offsets = new ArrayList<>(); // {data page offset, chunk length}
    for (List<byte[]> values : columns.values()) {
      ByteArrayOutputStream data = new ByteArrayOutputStream();
      for (byte[] v : values) {
        data.writeBytes(le32(v.length));
        data.writeBytes(v);
      }
      byte[] stored = gzipPages ? gzip(data.toByteArray()) : data.toByteArray();
      Compact header = new Compact();
      header.i32(1, 0).i32(2, data.size()).i32(3, stored.length).beginStruct(5)
          .i32(1, values.size()).i32(2, 0).i32(3, 3).i32(4, 3).endStruct().end();
      long start = file.size();
      file.writeBytes(header.bytes());
      file.writeBytes(stored);
      offsets.add(new long[] {start, file.size() - start});
    }
    Compact meta = new Compact();
    meta.i32(1, 1);
    meta.beginList(2, emptySchema ? 1 : 1 + columns.size());
    meta.beginElement().bin(4, "schema").i32(5, emptySchema ? 0 : columns.size()).endStruct();
    if (!emptySchema) {
      for (String name : columns.keySet()) {
        meta.beginElement().i32(1, BYTE_ARRAY).i32(3, 0).bin(4, name).i32(6, 0).endStruct();
      }
    }
    meta.i64(3, rows);
    meta.beginList(4, 1).beginElement();
    meta.beginList(1, columns.size());
    int i = 0;
    for (String name : columns.keySet()) {
      long[] o = offsets.get(i++);
      meta.beginElement().i64(2, o[0]).beginStruct(3)
          .i32(1, chunkType).listOfI32(2, 0).listOfBinary(3, name).i32(4, gzipPages ? 2 : 0).i64(5, rows)
          .i64(6, o[1]).i64(7, o[1]).i64(9, o[0]).endStruct().endStruct();
    }
    meta.i64(2, 0).i64(3, rows).endStruct();
    meta.end();
    byte[] footer = meta.bytes();
    file.writeBytes(footer);
    file.writeBytes(le32(footer.length));
    file.writeBytes("PAR1".getBytes(StandardCharsets.US_ASCII));
    return file.toByteArray();
  }

  private static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out, 1 << 16) {
      {
        def.setLevel(java.util.zip.Deflater.BEST_SPEED); // a 300 MiB page in a fraction of a second
      }
    }) {
      gz.write(data);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static byte[] le32(int v) {
    return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
  }

  /** Thrift's compact protocol, enough for Parquet's footer and page headers. */
  private static final class Compact {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final java.util.ArrayDeque<Integer> lastIds = new java.util.ArrayDeque<>();
    private int last;

    private void field(int id, int type) {
      int delta = id - last;
      if (delta > 0 && delta <= 15) {
        out.write(delta << 4 | type);
      } else {
        out.write(type);
        varint(zigzag(id));
      }
      last = id;
    }

    private void varint(long v) {
      while ((v & ~0x7FL) != 0) {
        out.write((int) (v & 0x7F) | 0x80);
        v >>>= 7;
      }
      out.write((int) v);
    }

    private static long zigzag(long v) {
      return (v << 1) ^ (v >> 63);
    }

    Compact i32(int id, long v) {
      field(id, 5);
      varint(zigzag(v));
      return this;
    }

    Compact i64(int id, long v) {
      field(id, 6);
      varint(zigzag(v));
      return this;
    }

    Compact bin(int id, String s) {
      field(id, 8);
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      varint(b.length);
      out.writeBytes(b);
      return this;
    }

    Compact beginStruct(int id) {
      field(id, 12);
      lastIds.push(last);
      last = 0;
      return this;
    }

    /** A struct inside a list: no field header. */
    Compact beginElement() {
      lastIds.push(last);
      last = 0;
      return this;
    }

    Compact endStruct() {
      out.write(0);
      last = lastIds.pop();
      return this;
    }

    Compact beginList(int id, int size) {
      field(id, 9);
      listHeader(size, 12);
      return this;
    }

    private void listHeader(int size, int type) {
      if (size < 15) {
        out.write(size << 4 | type);
      } else {
        out.write(0xF0 | type);
        varint(size);
      }
    }

    Compact listOfI32(int id, int... values) {
      field(id, 9);
      listHeader(values.length, 5);
      for (int v : values) {
        varint(zigzag(v));
      }
      return this;
    }

    Compact listOfBinary(int id, String... values) {
      field(id, 9);
      listHeader(values.length, 8);
      for (String v : values) {
        byte[] b = v.getBytes(StandardCharsets.UTF_8);
        varint(b.length);
        out.writeBytes(b);
      }
      return this;
    }

    void end() {
      out.write(0);
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
