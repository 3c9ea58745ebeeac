package io.skillmix.data.format;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.skillmix.UserError;
import io.skillmix.data.Conversation;
import java.io.Closeable;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Streams the records of one dataset file as {@link Record}s and {@link Fault}s, one record in
 * memory at a time. Files: JSON Lines or one JSON array (UTF-8 with or without a BOM; LF or CRLF),
 * either gzip-compressed, or Parquet; told apart by their first bytes. Each JSON record's text is
 * parsed by Gson's {@link JsonReader} in strict mode. With no format given, the first well-formed
 * record decides it (a file whose first record has no known layout is refused, naming its fields);
 * later records in another format are faults.
 *
 * <pre>{@code
 * try (DatasetReader reader = DatasetReader.open(path, null)) {
 *   while (reader.hasNext()) { Entry e = reader.next(); ... }
 * }
 * }</pre>
 */
public final class DatasetReader implements Iterator<Entry>, Closeable {

  private static final TypeAdapter<JsonElement> JSON = new Gson().getAdapter(JsonElement.class);
  private static final Pattern GSON_LOCATION =
      Pattern.compile(" at line (\\d+) column (\\d+) path \\S*");

  private final Path file;
  private final RecordSource source;
  private final boolean gzip;
  private final ColumnMapping mapping;
  private DatasetFormat format;
  private int formatLine;
  private Entry next;
  private boolean finished;

  private DatasetReader(Path file, DatasetFormat format, ColumnMapping mapping, DatasetFile.Opened opened) {
    this.file = file;
    this.format = format;
    this.mapping = mapping;
    this.source = opened.source();
    this.gzip = opened.gzip();
  }

  /**
   * @param format the records' format, or {@code null} to detect it from the first record
   * @throws UserError when the file does not exist, is not a regular file, or is in a format
   *     skillmix does not read
   */
  public static DatasetReader open(Path file, DatasetFormat format) {
    return open(file, format, null);
  }

  /**
   * @param mapping which fields hold what ({@code columns}, {@code tags}), or null for a known layout;
   *     with a mapping, {@code format} must be null
   */
  public static DatasetReader open(Path file, DatasetFormat format, ColumnMapping mapping) {
    if (mapping != null && format != null) {
      throw new IllegalArgumentException("a column mapping replaces the format; give one of them");
    }
    return new DatasetReader(file, format, mapping,
        DatasetFile.open(file, mapping != null ? mapping.fields() : DatasetFormat.allFields()));
  }

  /**
   * Reads a whole file under a policy: {@link OnError#FAIL} throws a {@link UserError} naming the
   * first fault; {@link OnError#SKIP} leaves faulty records out and reports them.
   *
   * @param maxFaultLines how many faults the report keeps word for word
   */
  public static LoadedDataset load(Path file, DatasetFormat format, OnError onError, int maxFaultLines) {
    return load(file, format, null, onError, maxFaultLines);
  }

  /** As {@link #load(Path, DatasetFormat, OnError, int)}, through a column mapping when it is not null. */
  public static LoadedDataset load(Path file, DatasetFormat format, ColumnMapping mapping, OnError onError,
      int maxFaultLines) {
    List<Conversation> conversations = new ArrayList<>();
    // Repeats share one object: a file repeated to up-weight it (7,473 examples in 1,000,000 lines)
    // then holds its distinct examples once, and hashing them by identity is cheap (DevSplit).
    Map<Conversation, Conversation> distinct = new HashMap<>();
    List<Fault> firstFaults = new ArrayList<>();
    int faults = 0;
    try (DatasetReader reader = open(file, format, mapping)) {
      while (reader.hasNext()) {
        Entry entry = reader.next();
        if (entry instanceof Record r) {
          conversations.add(distinct.computeIfAbsent(r.conversation(), c -> c));
        } else if (entry instanceof Fault f) {
          if (f.wholeFile()) {
            throw new UserError(f + "; point the dataset at a file that holds records");
          }
          if (onError == OnError.FAIL) {
            throw new UserError(f + " (fix the record, or set data.on-error = skip to leave bad records out)");
          }
          faults++;
          if (firstFaults.size() < maxFaultLines) {
            firstFaults.add(f);
          }
        }
      }
      var report = new DataReport(file, reader.format(), conversations.size(), faults, firstFaults);
      return new LoadedDataset(conversations, report);
    }
  }

  /** The column mapping records are read through, or null. */
  public ColumnMapping mapping() {
    return mapping;
  }

  /**
   * The format in use: the one given, or the detected one; {@code null} before detection and with
   * a column mapping.
   */
  public DatasetFormat format() {
    return format;
  }

  public Path file() {
    return file;
  }

  @Override
  public boolean hasNext() {
    if (next == null && !finished) {
      next = read();
      finished = next == null;
    }
    return next != null;
  }

  @Override
  public Entry next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Entry e = next;
    next = null;
    return e;
  }

  private Entry read() {
    RecordSource.Chunk chunk;
    try {
      chunk = source.next();
    } catch (GzipInput.Refused e) {
      throw new UserError(file + ": " + e.getMessage());
    } catch (IOException e) {
      throw new UserError(file + (gzip ? ": the gzip data is damaged or cut short (" : ": cannot read the dataset file (")
          + e.getMessage() + ")");
    }
    if (chunk == null) {
      return null;
    }
    if (chunk.fault() != null) {
      return chunk.fault();
    }
    try {
      JsonObject record = chunk.object() != null ? chunk.object() : parseObject(chunk);
      return new Record(chunk.line(), toConversation(chunk.line(), record));
    } catch (BadRecord e) {
      return new Fault(file, chunk.line(), e.getMessage());
    }
  }

  private static JsonObject parseObject(RecordSource.Chunk chunk) throws BadRecord {
    JsonElement value = parseJson(chunk.line(), chunk.column(), chunk.json());
    if (!value.isJsonObject()) {
      throw new BadRecord("the record is " + RecordParser.kind(value) + ", not a JSON object");
    }
    return value.getAsJsonObject();
  }

  private Conversation toConversation(int line, JsonObject record) throws BadRecord {
    if (mapping != null) {
      return MappedRecords.parse(mapping, record);
    }
    DatasetFormat found = DatasetFormat.detect(record);
    if (format == null) {
      if (found == null) {
        throw new UserError(file + ":" + line + ": cannot tell the dataset format: the record has "
            + UnknownLayout.describe(record) + " but none of " + DatasetFormat.signatureKeys());
      }
      format = found;
      formatLine = line;
    } else if (!format.matches(record) && found != null) {
      throw new BadRecord("the record is in " + found + " format but the file is " + format
          + (formatLine > 0 ? " (detected from line " + formatLine + ")" : ""));
    }
    return RecordParser.parse(format, record);
  }

  private static JsonElement parseJson(int line, int column, String json) throws BadRecord {
    JsonReader reader = new JsonReader(new StringReader(json));
    reader.setStrictness(Strictness.STRICT);
    try {
      JsonElement value = JSON.read(reader);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new BadRecord("malformed JSON: more than one value (one record per line, or a missing ',')");
      }
      return value;
    } catch (IOException | RuntimeException e) {
      throw new BadRecord("malformed JSON: " + gsonReason(line, column, e.getMessage()));
    }
  }

  /** Gson's first message line, its location made absolute and its path dropped. */
  static String gsonReason(int startLine, int startColumn, String message) {
    String first = message == null ? "unreadable" : message.lines().findFirst().orElse("unreadable");
    // Gson advises lenient parsing; a user needs to know only that a character is wrong.
    first = first.replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON",
        "unexpected character");
    Matcher m = GSON_LOCATION.matcher(first);
    if (!m.find()) {
      return first;
    }
    int relative = Integer.parseInt(m.group(1));
    String where = relative == 1 ? " at column " + (startColumn + Integer.parseInt(m.group(2)))
        : " at line " + (startLine + relative - 1) + " column " + m.group(2);
    return first.substring(0, m.start()) + where + first.substring(m.end());
  }

  @Override
  public void close() {
    try {
      source.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
