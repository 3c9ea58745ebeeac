package io.skillmix.dashboard;

import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.StringReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A JSON-lines file read as it grows ({@code metrics.jsonl} while a run writes it): each call reads
 * what was appended since the last one. Only complete lines count: a last line still being written
 * (no newline yet) is read again next time, whole. A file cut back (a resumed run goes back to its
 * checkpoint) or replaced (a new run in the same folder) starts a new generation, read from its
 * first line. A complete line that is not a JSON object is left out and counted, never an error:
 * the page shows what it can.
 *
 * <p>Lines are kept as written (the page reads the file's own records), so memory grows with the
 * file, about its size.
 */
final class LogTail {

  /** Bytes read per call at most: a long finished run reaches the page in several answers. */
  private static final int CHUNK = 4 << 20;
  private static final int SEEN = 64;

  /**
   * Lines {@code from} to {@code next - 1} of generation {@code generation}, of {@code total} read
   * so far; {@code unreadable}: complete lines left out (not a JSON object).
   */
  record Slice(long generation, int from, int next, int total, List<String> lines, int unreadable) {}

  private final Path file;
  private final List<String> lines = new ArrayList<>();
  private long generation;
  private long offset;
  private Object fileKey;
  /** The bytes just before {@link #offset}: read again each time, so a file cut back and regrown past it is noticed. */
  private byte[] seen = new byte[0];
  private int unreadable;

  LogTail(Path file) {
    this.file = file;
  }

  /**
   * Reads what is new and returns the lines from {@code from} on (at most {@code limit}). A
   * {@code from} past the end gives none; the caller compares generations to notice a restart.
   */
  synchronized Slice since(int from, int limit) throws IOException {
    refresh();
    int start = Math.max(0, Math.min(from, lines.size()));
    int end = Math.min(lines.size(), start + Math.max(0, limit));
    return new Slice(generation, start, end, lines.size(), List.copyOf(lines.subList(start, end)), unreadable);
  }

  private void refresh() throws IOException {
    try {
      read();
    } catch (NoSuchFileException gone) {
      if (offset > 0) {
        restart(null); // the file went away (a new run took the folder): nothing until it is back
      }
    }
  }

  private void read() throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    Object key = attributes.fileKey();
    if (attributes.size() < offset || (fileKey != null && key != null && !Objects.equals(key, fileKey))
        || !java.util.Arrays.equals(seen, bytes(offset - seen.length, seen.length))) {
      restart(key);
    }
    fileKey = key;
    while (attributes.size() > offset) {
      int read = readFrom(offset);
      if (read == 0) {
        return; // only a partial line is there: it is read whole next time
      }
      offset += read;
      seen = bytes(Math.max(0, offset - SEEN), (int) Math.min(SEEN, offset));
      attributes = Files.readAttributes(file, BasicFileAttributes.class);
    }
  }

  private void restart(Object key) {
    generation++;
    lines.clear();
    offset = 0;
    seen = new byte[0];
    unreadable = 0;
    fileKey = key;
  }

  /** Up to {@code length} bytes of the file from {@code at} (fewer where it ends sooner). */
  private byte[] bytes(long at, int length) throws IOException {
    if (length == 0) {
      return new byte[0];
    }
    try (SeekableByteChannel channel = Files.newByteChannel(file)) {
      channel.position(at);
      ByteBuffer buffer = ByteBuffer.allocate(length);
      while (buffer.hasRemaining() && channel.read(buffer) > 0) {
        // fill the buffer
      }
      return java.util.Arrays.copyOf(buffer.array(), buffer.position());
    }
  }

  /** Reads complete lines from {@code at}; returns the bytes they took (0: no complete line yet). */
  private int readFrom(long at) throws IOException {
    byte[] bytes = bytes(at, (int) Math.min(CHUNK, Files.size(file) - at));
    int lastNewline = -1;
    for (int i = bytes.length - 1; i >= 0; i--) {
      if (bytes[i] == '\n') {
        lastNewline = i;
        break;
      }
    }
    if (lastNewline < 0) {
      if (bytes.length == CHUNK) {
        throw new IOException(file + ": a line longer than " + CHUNK + " bytes");
      }
      return 0;
    }
    String text = new String(bytes, 0, lastNewline, StandardCharsets.UTF_8);
    for (String line : text.split("\n", -1)) {
      add(line.strip());
    }
    return lastNewline + 1;
  }

  private void add(String line) {
    if (line.isEmpty()) {
      return;
    }
    String strict = nonFiniteAsNull(line);
    // Strict JSON, as a browser parses it: one line the page cannot read would stop all the others.
    try (JsonReader reader = new JsonReader(new StringReader(strict))) {
      reader.setStrictness(Strictness.STRICT);
      if (JsonParser.parseReader(reader).isJsonObject() && reader.peek() == JsonToken.END_DOCUMENT) {
        lines.add(strict);
        return;
      }
    } catch (RuntimeException | IOException malformed) {
      // counted below
    }
    unreadable++;
  }

  private static final String[] NON_FINITE = {"-Infinity", "Infinity", "NaN"};

  /**
   * The sink writes a non-finite loss as {@code NaN} (Gson's lenient form), which a browser's
   * {@code JSON.parse} refuses: outside strings, such numbers become {@code null}, as the run's
   * own reader reads them (MetricsLog).
   */
  static String nonFiniteAsNull(String line) {
    StringBuilder out = new StringBuilder(line.length());
    int copied = 0;
    boolean inString = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++; // an escaped character, a quote included
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else {
        for (String word : NON_FINITE) {
          if (line.startsWith(word, i)) {
            out.append(line, copied, i).append("null");
            copied = i + word.length();
            i = copied - 1;
            break;
          }
        }
      }
    }
    return copied == 0 ? line : out.append(line, copied, line.length()).toString();
  }

}
