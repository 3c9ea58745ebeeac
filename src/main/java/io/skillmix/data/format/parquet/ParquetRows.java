package io.skillmix.data.format.parquet;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rows of a Parquet file as JSON objects, one row group in memory at a time. Only the named
 * top-level fields are decoded (strings, numbers, booleans, and lists and structs of them); every
 * other top-level field appears as JSON null, so a caller still sees which fields a row has.
 *
 * <p>This reads the subset of Parquet that the Hugging Face Hub, pyarrow, DuckDB and arrow-rs
 * write: the Thrift footer; data pages v1 and v2; PLAIN, dictionary (RLE_DICTIONARY,
 * PLAIN_DICTIONARY) and DELTA encodings; uncompressed, SNAPPY, GZIP, ZSTD and LZ4_RAW pages; nested
 * lists and structs through repetition and definition levels. Anything else is refused with a
 * {@link ParquetException} that names it.
 */
public final class ParquetRows implements Closeable {

  private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_FOOTER = 64 << 20;
  /** The most bytes of one column in one row group read at once: Java's largest array. */
  private static final long MAX_CHUNK_BYTES = Integer.MAX_VALUE - 8;

  private final FileChannel channel;
  private final List<String> names = new ArrayList<>();
  private final List<SchemaNode> fields = new ArrayList<>();
  private final List<SchemaNode> leaves;
  private final List<?> rowGroups;
  private int group = -1;
  private long rowsLeft;
  private RowAssembler assembler;

  private ParquetRows(FileChannel channel, Thrift.Struct footer, Set<String> decoded) throws ParquetException {
    this.channel = channel;
    SchemaNode root = SchemaNode.tree(footer.list(2));
    this.leaves = root.leaves;
    for (SchemaNode f : root.children) {
      names.add(f.name);
      if (decoded.contains(f.name)) {
        fields.add(f);
      }
    }
    this.rowGroups = footer.list(4);
  }

  /**
   * Opens a file and reads its footer.
   *
   * @param decoded the top-level fields to decode
   * @throws ParquetException when the file is damaged or uses what this reader does not read
   */
  public static ParquetRows open(Path file, Set<String> decoded) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    try {
      long size = channel.size();
      if (size < 12 || !endsWithMagic(read(channel, size - 8, 8))) {
        throw new ParquetException("not a whole Parquet file (its footer is missing; was it cut short?)");
      }
      long footerLength = ByteBuffer.wrap(read(channel, size - 8, 4)).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL;
      if (footerLength > size - 12 || footerLength > MAX_FOOTER) {
        throw new ParquetException("damaged Parquet footer (a length of " + footerLength + " bytes)");
      }
      byte[] footer = read(channel, size - 8 - footerLength, (int) footerLength);
      Thrift.Struct meta = new Thrift(footer, 0, footer.length).readStruct();
      return new ParquetRows(channel, meta, decoded);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Every top-level field, in schema order. */
  public List<String> fieldNames() {
    return List.copyOf(names);
  }

  /**
   * The column of the row {@link #next} returned last whose bytes are not valid UTF-8 (its value
   * reads as null), or null when every value is text: such a row is a fault, never trained on.
   */
  public String invalidTextColumn() {
    return assembler == null ? null : assembler.invalidText();
  }

  /** The next row, or {@code null} after the last. */
  public JsonObject next() throws IOException {
    while (rowsLeft == 0) {
      if (assembler != null && !assembler.exhausted()) {
        throw new ParquetException("damaged row group " + group + ": its columns hold more entries than its rows");
      }
      if (++group >= rowGroups.size()) {
        return null;
      }
      loadGroup();
    }
    rowsLeft--;
    JsonObject row = new JsonObject();
    for (String name : names) {
      row.add(name, JsonNull.INSTANCE);
    }
    assembler.next(row);
    return row;
  }

  private void loadGroup() throws IOException {
    if (!(rowGroups.get(group) instanceof Thrift.Struct rg)) {
      throw new ParquetException("damaged metadata: row group " + group);
    }
    List<?> columns = rg.list(1);
    if (columns.size() != leaves.size()) {
      throw new ParquetException("damaged metadata: row group " + group + " has " + columns.size()
          + " columns, the schema " + leaves.size());
    }
    Map<SchemaNode, ColumnChunk> chunks = new HashMap<>();
    for (SchemaNode f : fields) {
      for (SchemaNode leaf : f.leaves) {
        chunks.put(leaf, column(leaf, columns.get(leaf.column)));
      }
    }
    rowsLeft = rg.longValue(3);
    assembler = new RowAssembler(fields, chunks);
  }

  private ColumnChunk column(SchemaNode leaf, Object entry) throws IOException {
    if (!(entry instanceof Thrift.Struct chunk) || chunk.struct(3) == null) {
      throw new ParquetException("damaged metadata: column '" + leaf.path + "' has no metadata");
    }
    agrees(leaf, chunk.struct(3));
    if (chunk.string(1) != null) {
      throw new ParquetException("column '" + leaf.path + "' is stored in another file (" + chunk.string(1)
          + "), which skillmix does not read");
    }
    Thrift.Struct meta = chunk.struct(3);
    int codec = meta.intValue(4);
    if (!Codecs.supported(codec)) {
      throw new ParquetException("column '" + leaf.path + "' is compressed with " + Codecs.name(codec)
          + ", which skillmix does not read (it reads uncompressed, SNAPPY, GZIP, ZSTD and LZ4_RAW)");
    }
    long start = meta.longValue(9);
    long dictionary = meta.longOr(11, -1);
    if (dictionary > 0 && dictionary < start) {
      start = dictionary;
    }
    long length = meta.longValue(7);
    if (start < 4 || length < 0 || start + length > channel.size()) {
      throw new ParquetException("damaged metadata: column '" + leaf.path + "' lies outside the file");
    }
    if (length > MAX_CHUNK_BYTES) {
      throw new ParquetException(String.format(java.util.Locale.ROOT, "column '%s' holds %,d bytes in row group %d,"
          + " more than the %,d bytes (2 GiB) this reader takes in at once; write the file with smaller row groups"
          + " (pyarrow: row_group_size)", leaf.path, length, group, MAX_CHUNK_BYTES));
    }
    return ColumnChunk.decode(leaf, meta, read(channel, start, (int) length));
  }

  /** A row group's column must be the schema's leaf: the same path and physical type. */
  private void agrees(SchemaNode leaf, Thrift.Struct meta) throws ParquetException {
    long type = meta.longOr(1, -1);
    if (type != leaf.type) {
      throw new ParquetException("damaged metadata: column '" + leaf.path + "' is " + Encodings.typeName(leaf.type)
          + " in the schema but " + Encodings.typeName(type) + " in row group " + group);
    }
    List<?> path = meta.list(3);
    StringBuilder joined = new StringBuilder();
    for (Object part : path) {
      joined.append(joined.length() == 0 ? "" : ".")
          .append(part instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : "?");
    }
    if (!path.isEmpty() && !joined.toString().equals(leaf.path)) {
      throw new ParquetException("damaged metadata: row group " + group + " stores '" + joined + "' where the"
          + " schema has column '" + leaf.path + "'");
    }
  }

  private static boolean endsWithMagic(byte[] tail) {
    for (int i = 0; i < 4; i++) {
      if (tail[tail.length - 4 + i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  private static byte[] read(FileChannel channel, long position, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        throw new ParquetException("the file ends early");
      }
    }
    return buffer.array();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
