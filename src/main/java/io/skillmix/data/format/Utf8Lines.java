package io.skillmix.data.format;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The lines of a UTF-8 file, one at a time, with their numbers. Lines are split on bytes (a
 * newline byte never occurs inside a multi-byte character), so each line is decoded on its own
 * and a bad byte is reported on the line where it is. A leading BOM and a trailing CR are dropped.
 */
final class Utf8Lines implements Closeable {

  /**
   * One line. {@code badBytes} is null for valid UTF-8; otherwise it says where the first bad
   * byte is and {@code text} holds the line decoded with replacement characters.
   */
  record Line(int number, String text, String badBytes) {}

  private final InputStream in;
  private final CharsetDecoder strict =
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  private final byte[] buffer = new byte[1 << 16];
  private int pos;
  private int limit;
  private byte[] line = new byte[1 << 12];
  private int number;
  private boolean eof;

  Utf8Lines(InputStream in) {
    this.in = in;
  }

  /** The next line, or {@code null} at the end of the file. */
  Line next() throws IOException {
    if (eof) {
      return null;
    }
    int length = 0;
    boolean any = false;
    while (true) {
      if (pos == limit) {
        limit = in.read(buffer);
        pos = 0;
        if (limit <= 0) {
          limit = 0;
          eof = true;
          if (!any) {
            return null;
          }
          break;
        }
      }
      any = true;
      int start = pos;
      while (pos < limit && buffer[pos] != '\n') {
        pos++;
      }
      int n = pos - start;
      if (length + n > line.length) {
        line = Arrays.copyOf(line, Math.max(line.length * 2, length + n));
      }
      System.arraycopy(buffer, start, line, length, n);
      length += n;
      if (pos < limit) {
        pos++; // the newline
        break;
      }
    }
    number++;
    int from = 0;
    if (number == 1 && length >= 3 && (line[0] & 0xFF) == 0xEF && (line[1] & 0xFF) == 0xBB
        && (line[2] & 0xFF) == 0xBF) {
      from = 3;
    }
    if (length > from && line[length - 1] == '\r') {
      length--;
    }
    return decode(from, length);
  }

  private Line decode(int from, int to) {
    ByteBuffer bytes = ByteBuffer.wrap(line, from, to - from);
    CharBuffer chars = CharBuffer.allocate(to - from);
    strict.reset();
    CoderResult result = strict.decode(bytes, chars, true);
    if (result.isError()) {
      int column = bytes.position() - from + 1;
      String text = new String(line, from, to - from, StandardCharsets.UTF_8);
      return new Line(number, text, "bytes that are not valid UTF-8 at byte " + column
          + " of the line; save the file as UTF-8");
    }
    strict.flush(chars);
    return new Line(number, chars.flip().toString(), null);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
