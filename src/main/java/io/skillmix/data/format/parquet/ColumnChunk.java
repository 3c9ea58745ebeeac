package io.skillmix.data.format.parquet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The decoded contents of one column chunk (one leaf column in one row group): a repetition and a
 * definition level per entry, and the values of the entries that are defined, in order.
 */
final class ColumnChunk {

  private static final int DATA_PAGE = 0;
  private static final int DICTIONARY_PAGE = 2;
  private static final int DATA_PAGE_V2 = 3;

  /** The most entries one page may hold; writers cut pages far smaller (about 1 MiB, 20,000 rows). */
  private static final int MAX_PAGE_ENTRIES = 1 << 24;

  final SchemaNode leaf;
  private final int count;
  int[] rep = new int[0];
  int[] def = new int[0];
  final List<Object> values = new ArrayList<>();
  private int entries;
  private List<Object> dictionary;

  private ColumnChunk(SchemaNode leaf, int count) {
    this.leaf = leaf;
    this.count = count;
  }

  int entries() {
    return entries;
  }

  /**
   * Decodes the chunk's pages.
   *
   * @param bytes the chunk as stored, dictionary page first
   * @param meta its ColumnMetaData
   */
  static ColumnChunk decode(SchemaNode leaf, Thrift.Struct meta, byte[] bytes) throws ParquetException {
    long count = meta.longValue(5);
    if (count < 0 || count > Integer.MAX_VALUE - 8) {
      throw new ParquetException("column '" + leaf.path + "' has " + count + " values in one row group,"
          + " more than this reader holds");
    }
    int codec = meta.intValue(4);
    ColumnChunk chunk = new ColumnChunk(leaf, (int) count);
    int pos = 0;
    while (chunk.entries < count) {
      if (pos >= bytes.length) {
        throw new ParquetException("damaged column '" + leaf.path + "': its pages end after "
            + chunk.entries + " of " + count + " values");
      }
      Thrift header = new Thrift(bytes, pos, bytes.length);
      Thrift.Struct page = header.readStruct();
      pos = header.position();
      int stored = page.intValue(3);
      if (stored < 0 || stored > bytes.length - pos) {
        throw new ParquetException("damaged column '" + leaf.path + "': a page runs past the chunk");
      }
      chunk.page(page, codec, bytes, pos, stored);
      pos += stored;
    }
    return chunk;
  }

  private void page(Thrift.Struct page, int codec, byte[] bytes, int offset, int stored) throws ParquetException {
    int type = page.intValue(1);
    int size = page.intValue(2);
    switch (type) {
      case DICTIONARY_PAGE -> {
        Thrift.Struct h = require(page.struct(7), "dictionary");
        int encoding = h.intValue(2);
        if (encoding != Encodings.PLAIN && encoding != Encodings.PLAIN_DICTIONARY) {
          throw unsupported(encoding);
        }
        byte[] data = Codecs.decompress(codec, bytes, offset, stored, size, leaf.path);
        int n = h.intValue(1);
        if (n < 0 || n > MAX_PAGE_ENTRIES) {
          throw new ParquetException("damaged column '" + leaf.path + "': a dictionary of " + n + " values");
        }
        dictionary = Encodings.plain(new ByteCursor(data, 0, data.length), leaf.type, leaf.typeLength, n);
      }
      case DATA_PAGE -> {
        Thrift.Struct h = require(page.struct(5), "data");
        int n = h.intValue(1);
        byte[] data = Codecs.decompress(codec, bytes, offset, stored, size, leaf.path);
        ByteCursor in = new ByteCursor(data, 0, data.length);
        checkRoom(n);
        if (leaf.maxRep > 0) {
          levels(sectionWithLength(in), leaf.maxRep, n, rep);
        }
        if (leaf.maxDef > 0) {
          levels(sectionWithLength(in), leaf.maxDef, n, def);
        }
        values(h.intValue(2), in, n);
      }
      case DATA_PAGE_V2 -> {
        Thrift.Struct h = require(page.struct(8), "data (v2)");
        int n = h.intValue(1);
        int defBytes = h.intValue(5);
        int repBytes = h.intValue(6);
        if (repBytes < 0 || defBytes < 0 || (long) repBytes + defBytes > stored) {
          throw new ParquetException("damaged column '" + leaf.path + "': level sizes beyond the page");
        }
        checkRoom(n);
        if (leaf.maxRep > 0) {
          levels(new ByteCursor(bytes, offset, offset + repBytes), leaf.maxRep, n, rep);
        }
        if (leaf.maxDef > 0) {
          levels(new ByteCursor(bytes, offset + repBytes, offset + repBytes + defBytes), leaf.maxDef, n, def);
        }
        int start = offset + repBytes + defBytes;
        int length = stored - repBytes - defBytes;
        boolean compressed = h.boolOr(7, true) && codec != 0;
        byte[] data = compressed ? Codecs.decompress(codec, bytes, start, length, size - repBytes - defBytes, leaf.path) : bytes;
        values(h.intValue(4), compressed ? new ByteCursor(data, 0, data.length)
            : new ByteCursor(bytes, start, start + length), n);
      }
      default -> {
        // index pages and others carry no values
      }
    }
  }

  /** Makes room for a page of {@code n} entries; the arrays grow with what the pages hold. */
  private void checkRoom(int n) throws ParquetException {
    if (n < 0 || n > count - entries || n > MAX_PAGE_ENTRIES) {
      throw new ParquetException("damaged column '" + leaf.path + "': a page of " + n + " values after "
          + entries + " of " + count);
    }
    if (entries + n > rep.length) {
      int size = (int) Math.min(count, Math.max(entries + n, 2L * rep.length));
      rep = Arrays.copyOf(rep, size);
      def = Arrays.copyOf(def, size);
    }
  }

  private static ByteCursor sectionWithLength(ByteCursor in) throws ParquetException {
    int length = in.int32();
    in.need(length);
    ByteCursor section = new ByteCursor(in.data, in.pos, in.pos + length);
    in.pos += length;
    return section;
  }

  private void levels(ByteCursor in, int max, int n, int[] out) throws ParquetException {
    Encodings.hybrid(in, Encodings.bitWidth(max), n, out, entries);
    for (int i = entries; i < entries + n; i++) {
      if (out[i] > max) {
        throw new ParquetException("damaged column '" + leaf.path + "': a level of " + out[i]
            + " where at most " + max + " is possible");
      }
    }
  }

  /** Decodes the page's values (one per entry at the highest definition level) and counts its entries. */
  private void values(int encoding, ByteCursor in, int n) throws ParquetException {
    if (leaf.maxDef == 0) {
      Arrays.fill(def, entries, entries + n, 0);
    }
    int defined = 0;
    for (int i = entries; i < entries + n; i++) {
      defined += def[i] == leaf.maxDef ? 1 : 0;
    }
    switch (encoding) {
      case Encodings.PLAIN -> values.addAll(Encodings.plain(in, leaf.type, leaf.typeLength, defined));
      case Encodings.PLAIN_DICTIONARY, Encodings.RLE_DICTIONARY -> dictionaryValues(in, defined);
      case Encodings.DELTA_BINARY_PACKED -> {
        long[] v = Encodings.deltaBinaryPacked(in, defined);
        if (v.length < defined) {
          throw new ParquetException("damaged column '" + leaf.path + "': " + v.length + " values for "
              + defined + " entries");
        }
        for (int i = 0; i < defined; i++) {
          values.add(leaf.type == Encodings.INT32 ? (Object) (int) v[i] : (Object) v[i]);
        }
      }
      case Encodings.DELTA_LENGTH_BYTE_ARRAY -> values.addAll(Encodings.deltaLengthByteArray(in, defined));
      case Encodings.DELTA_BYTE_ARRAY -> values.addAll(Encodings.deltaByteArray(in, defined));
      default -> throw unsupported(encoding);
    }
    entries += n;
  }

  private void dictionaryValues(ByteCursor in, int defined) throws ParquetException {
    if (dictionary == null) {
      throw new ParquetException("damaged column '" + leaf.path + "': dictionary indices without a dictionary");
    }
    if (defined == 0) {
      return;
    }
    int[] indices = new int[defined];
    Encodings.hybrid(in, in.u8(), defined, indices, 0);
    for (int i : indices) {
      if (i < 0 || i >= dictionary.size()) {
        throw new ParquetException("damaged column '" + leaf.path + "': dictionary index " + i
            + " of " + dictionary.size());
      }
      values.add(dictionary.get(i));
    }
  }

  private ParquetException unsupported(int encoding) {
    return new ParquetException("column '" + leaf.path + "' uses the " + Encodings.name(encoding)
        + " encoding, which skillmix does not read");
  }

  private Thrift.Struct require(Thrift.Struct s, String kind) throws ParquetException {
    if (s == null) {
      throw new ParquetException("damaged column '" + leaf.path + "': a " + kind + " page without its header");
    }
    return s;
  }
}
