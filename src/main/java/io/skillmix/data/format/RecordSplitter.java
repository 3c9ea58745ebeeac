package io.skillmix.data.format;

import io.skillmix.UserError;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Cuts a file into the JSON text of its records without holding more than one record in
 * memory, in time linear in the file's size whatever its layout. A file whose first character is
 * {@code [} is one JSON array (pretty-printed over many lines, or all on one line); anything else
 * is JSON Lines, one record per non-blank line. Each record comes with the line and column where
 * it starts. Broken structure becomes a {@link Fault}; where the structure allows it, reading goes
 * on with the next record. A record longer than {@link #MAX_RECORD_CHARS} is a fault, so a file
 * without structure cannot fill the memory.
 */
final class RecordSplitter implements RecordSource {

  /** The longest record read: 64 Mi characters (64 MiB of ASCII text). */
  static final int MAX_RECORD_CHARS = 64 << 20;

  private enum State { FIRST_ELEMENT, ELEMENT, COMMA_OR_END, AFTER_ARRAY, DONE }

  private final Path file;
  private final Utf8Lines lines;
  private final int maxRecordChars;
  private boolean started;
  private boolean array;
  private boolean firstRecord = true;
  private Utf8Lines.Line cur;
  private int idx;
  private int lastLine = 1;
  private Fault queued;
  private State state = State.FIRST_ELEMENT;

  RecordSplitter(Path file, Utf8Lines lines) {
    this(file, lines, MAX_RECORD_CHARS);
  }

  RecordSplitter(Path file, Utf8Lines lines, int maxRecordChars) {
    this.file = file;
    this.lines = lines;
    this.maxRecordChars = maxRecordChars;
  }

  @Override
  public Chunk next() throws IOException {
    if (!started) {
      started = true;
      Chunk empty = start();
      if (empty != null) {
        return empty;
      }
    }
    return array ? nextInArray() : nextLine();
  }

  /** Finds the first non-blank line and decides between array and JSON Lines. */
  private Chunk start() throws IOException {
    for (Utf8Lines.Line line = lines.next(); line != null; line = lines.next()) {
      lastLine = line.number();
      if (!line.text().isBlank()) {
        cur = line;
        idx = 0;
        array = line.text().stripLeading().startsWith("[");
        if (array) {
          queueBadBytes(line);
          skipWhitespace();
          idx++; // the '['
        }
        return null;
      }
      if (line.badBytes() != null) {
        // A line of nothing but undecodable bytes: report it rather than call the file empty.
        cur = line;
        idx = 0;
        return null;
      }
    }
    state = State.DONE;
    return fault(1, Fault.EMPTY_FILE);
  }

  private Chunk nextLine() throws IOException {
    while (true) {
      Utf8Lines.Line first = cur != null ? cur : lines.next();
      cur = null;
      if (first == null) {
        return null;
      }
      String badBytes = first.badBytes();
      boolean tooLong = false;
      String text = first.text();
      if (first.more()) {
        StringBuilder whole = new StringBuilder(first.text());
        for (Utf8Lines.Line piece = first; piece != null && piece.more(); ) {
          piece = lines.next();
          if (piece == null) {
            break;
          }
          badBytes = badBytes != null ? badBytes : piece.badBytes();
          tooLong |= whole.length() + piece.text().length() > maxRecordChars;
          if (!tooLong) {
            whole.append(piece.text());
          }
        }
        text = tooLong ? "" : whole.toString();
      }
      if (badBytes != null) {
        return fault(first.number(), badBytes);
      }
      if (tooLong) {
        return fault(first.number(), "the line is longer than " + limitText()
            + ", the limit for one record; is this a dataset file?");
      }
      if (!text.isBlank()) {
        if (firstRecord) {
          firstRecord = false;
          refuseObjectOverLines(first.number(), text);
        }
        return Chunk.text(first.number(), first.column(), text);
      }
    }
  }

  /**
   * A first line that opens an object it does not close, with more lines after it, is one
   * pretty-printed JSON object: the file is neither JSON Lines nor an array of records.
   */
  private void refuseObjectOverLines(int line, String text) throws IOException {
    if (!text.stripLeading().startsWith("{") || openBrackets(text) <= 0) {
      return;
    }
    cur = lines.next();
    if (cur != null) {
      throw new UserError(file + ":" + line + ": the file is a JSON object, not an array or JSON"
          + " Lines: put the records in a JSON array [{...}, {...}] or one object per line"
          + " (JSON Lines)");
    }
  }

  /** How many brackets a line leaves open, strings skipped. */
  private static int openBrackets(String text) {
    int depth = 0;
    JsonStrings strings = new JsonStrings();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (strings.structural(c)) {
        depth += c == '{' || c == '[' ? 1 : c == '}' || c == ']' ? -1 : 0;
      }
    }
    return depth;
  }

  /** Follows JSON strings character by character, so brackets and commas inside them are not structure. */
  private static final class JsonStrings {
    private boolean inString;
    private boolean escape;

    /** Feeds one character; true when it is outside every string and not a quote. */
    boolean structural(char c) {
      if (inString) {
        if (escape) {
          escape = false;
        } else if (c == '\\') {
          escape = true;
        } else if (c == '"' || c == '\n') {
          // A JSON string never spans lines; ending it at the newline keeps one bad quote local.
          inString = false;
        }
        return false;
      }
      if (c == '"') {
        inString = true;
        return false;
      }
      return true;
    }
  }

  private Chunk nextInArray() throws IOException {
    while (true) {
      int c = skipWhitespace();
      if (queued != null) {
        return takeQueued();
      }
      switch (state) {
        case DONE:
          return null;
        case AFTER_ARRAY:
          state = State.DONE;
          return c < 0 ? null
              : fault(line(), "unexpected content after the closing ']' of the JSON array");
        case COMMA_OR_END:
          if (c == ',') {
            idx++;
            state = State.ELEMENT;
          } else if (c == ']') {
            idx++;
            state = State.AFTER_ARRAY;
          } else if (c < 0) {
            state = State.DONE;
            return fault(line(), "malformed JSON: the array is not closed with ']'");
          } else {
            // A missing comma: report it, then read on as if it were there.
            state = State.ELEMENT;
            return fault(line(), "malformed JSON: expected ',' or ']' between array elements");
          }
          break;
        case FIRST_ELEMENT:
        case ELEMENT:
          if (c < 0) {
            state = State.DONE;
            return fault(line(), "malformed JSON: the array is not closed with ']'");
          }
          if (c == ']') {
            idx++;
            boolean first = state == State.FIRST_ELEMENT;
            state = State.AFTER_ARRAY;
            return fault(line(), first ? Fault.EMPTY_ARRAY
                : "malformed JSON: a ',' before the closing ']'");
          }
          return element();
        default:
          throw new IllegalStateException(state.toString());
      }
    }
  }

  /** Captures one array element up to the ',' or ']' that ends it, strings and nesting aware. */
  private Chunk element() throws IOException {
    int start = line();
    int column = cur.column() + idx;
    StringBuilder text = new StringBuilder();
    boolean tooLong = false;
    int depth = 0;
    JsonStrings strings = new JsonStrings();
    boolean done = false;
    String whole = null;
    while (!done) {
      if (peek() < 0) {
        state = State.DONE;
        return queued != null ? takeQueued()
            : fault(start, "malformed JSON: the record is not closed (a '}' or ']' is missing)");
      }
      // Scan the rest of this piece in one loop; a line's end reads as '\n'.
      String piece = cur.text();
      int from = idx;
      int end = piece.length() + (cur.more() ? 0 : 1);
      int i = idx;
      for (; i < end; i++) {
        char c = i == piece.length() ? '\n' : piece.charAt(i);
        if (!strings.structural(c)) {
          continue;
        }
        if (c == '{' || c == '[') {
          depth++;
        } else if (c == '}' || c == ']') {
          if (depth == 0) {
            done = true; // the array's own ']': leave it for the caller
            break;
          }
          depth--;
          if (depth == 0) {
            i++;
            done = true; // the element's own closing bracket
            break;
          }
        } else if (c == ',' && depth == 0) {
          done = true;
          break;
        }
      }
      idx = i;
      int to = Math.min(i, piece.length());
      if (done && text.isEmpty() && to == i && to - from <= maxRecordChars) {
        whole = piece.substring(from, to); // the usual case: the record lies within one piece
      } else if (!tooLong) {
        text.append(piece, from, to);
        if (i > piece.length()) {
          text.append('\n');
        }
        tooLong = text.length() > maxRecordChars;
      }
    }
    state = State.COMMA_OR_END;
    if (queued != null) {
      return takeQueued();
    }
    if (tooLong) {
      return fault(start, "the record is longer than " + limitText() + ", the limit for one record");
    }
    return Chunk.text(start, column, whole != null ? whole : text.toString());
  }

  private String limitText() {
    return maxRecordChars == MAX_RECORD_CHARS ? "64 MiB" : maxRecordChars + " characters";
  }

  /** Skips whitespace (across lines) and returns the next character, or -1 at the end. */
  private int skipWhitespace() throws IOException {
    int c = peek();
    while (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\uFEFF') {
      idx++;
      c = peek();
    }
    return c;
  }

  /** The character at the cursor; a line's end reads as '\n', a piece's end as nothing. */
  private int peek() throws IOException {
    while (cur != null && idx >= cur.text().length() + (cur.more() ? 0 : 1)) {
      cur = lines.next();
      idx = 0;
      if (cur != null) {
        lastLine = cur.number();
        queueBadBytes(cur);
      }
    }
    if (cur == null) {
      return -1;
    }
    return idx == cur.text().length() ? '\n' : cur.text().charAt(idx);
  }

  private void queueBadBytes(Utf8Lines.Line line) {
    if (line.badBytes() != null && queued == null) {
      queued = new Fault(file, line.number(), line.badBytes());
    }
  }

  private Chunk takeQueued() {
    Fault f = queued;
    queued = null;
    return new Chunk(f.line(), 0, null, null, f);
  }

  private int line() {
    return cur == null ? lastLine : cur.number();
  }

  private Chunk fault(int line, String reason) {
    return Chunk.fault(file, line, reason);
  }

  @Override
  public void close() throws IOException {
    lines.close();
  }
}
