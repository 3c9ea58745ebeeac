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

/**
 * The lines of a UTF-8 file, one piece at a time, with their numbers. A line longer than the piece
 * size comes in several pieces (cut between characters), so a file that is one long line, such as
 * a compact JSON array, is read in bounded memory. Lines are split on bytes (a newline byte never
 * occurs inside a multi-byte character), so each piece is decoded on its own and a bad byte is
 * reported on the line where it is. A leading BOM and a trailing CR are dropped.
 */
final class Utf8Lines implements Closeable {

  /** Pieces are cut at about this many bytes. */
  static final int PIECE_BYTES = 1 << 20;

  /**
   * One piece of a line. {@code column} is the 0-based character offset of the piece in its line;
   * {@code more} says the line goes on in the next piece. {@code badBytes} is null for valid
   * UTF-8; otherwise it says where the first bad byte is and {@code text} holds the piece decoded
   * with replacement characters.
   */
  record Line(int number, String text, String badBytes, int column, boolean more) {}

  private final InputStream in;
  private final int pieceBytes;
  private final CharsetDecoder strict =
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  private final byte[] buffer = new byte[1 << 16];
  private int pos;
  private int limit;
  private final byte[] piece;
  /** Bytes already in {@code piece} that belong to the next one (a character cut in two). */
  private int carried;
  private int number;
  private boolean continuing;
  private int column;
  private long lineBytes;
  private boolean eof;

  Utf8Lines(InputStream in) {
    this(in, PIECE_BYTES);
  }

  Utf8Lines(InputStream in, int pieceBytes) {
    this.in = in;
    this.pieceBytes = pieceBytes;
    this.piece = new byte[pieceBytes + 4];
  }

  /** The next piece, or {@code null} at the end of the file. */
  Line next() throws IOException {
    if (eof && carried == 0 && !continuing) {
      return null;
    }
    int length = carried;
    carried = 0;
    boolean any = length > 0 || continuing;
    boolean ended = false;
    while (length < pieceBytes) {
      if (pos == limit && !fill()) {
        break;
      }
      any = true;
      int start = pos;
      int stop = Math.min(limit, start + pieceBytes - length);
      while (pos < stop && buffer[pos] != '\n') {
        pos++;
      }
      System.arraycopy(buffer, start, piece, length, pos - start);
      length += pos - start;
      if (pos < limit && buffer[pos] == '\n') {
        pos++;
        ended = true;
        break;
      }
    }
    if (!any) {
      return null;
    }
    boolean more = !ended && !(eof && pos == limit);
    int end = length;
    if (more) {
      end = cutPoint(length);
      carried = length - end;
    }
    if (!continuing) {
      number++;
      column = 0;
      lineBytes = 0;
    }
    int from = 0;
    if (number == 1 && lineBytes == 0 && end >= 3 && (piece[0] & 0xFF) == 0xEF
        && (piece[1] & 0xFF) == 0xBB && (piece[2] & 0xFF) == 0xBF) {
      from = 3;
    }
    int to = end;
    if (!more && to > from && piece[to - 1] == '\r') {
      to--;
    }
    Line line = decode(from, to, more);
    lineBytes += end;
    column += line.text().length();
    continuing = more;
    if (carried > 0) {
      System.arraycopy(piece, end, piece, 0, carried);
    }
    return line;
  }

  /** Total bytes of the current line so far (all its pieces), for length limits. */
  long lineBytes() {
    return lineBytes;
  }

  /** Where to end a piece that the line continues past: not inside a character, not after a CR. */
  private int cutPoint(int length) {
    int end = length;
    int lead = length - 1;
    while (lead > 0 && length - lead < 4 && (piece[lead] & 0xC0) == 0x80) {
      lead--;
    }
    int b = piece[lead] & 0xFF;
    int size = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    if (lead > 0 && lead + size > length) {
      end = lead; // the last character is cut: it goes whole into the next piece
    }
    if (end > 1 && piece[end - 1] == '\r') {
      end--; // a CR before a newline in the next piece would not be dropped otherwise
    }
    return end;
  }

  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    limit = in.read(buffer);
    pos = 0;
    if (limit <= 0) {
      limit = 0;
      eof = true;
      return false;
    }
    return true;
  }

  private Line decode(int from, int to, boolean more) {
    ByteBuffer bytes = ByteBuffer.wrap(piece, from, to - from);
    CharBuffer chars = CharBuffer.allocate(to - from);
    strict.reset();
    CoderResult result = strict.decode(bytes, chars, true);
    if (result.isError()) {
      long at = lineBytes + bytes.position() - from + 1;
      String text = new String(piece, from, to - from, StandardCharsets.UTF_8);
      return new Line(number, text, "bytes that are not valid UTF-8 at byte " + at
          + " of the line; save the file as UTF-8", column, more);
    }
    strict.flush(chars);
    return new Line(number, chars.flip().toString(), null, column, more);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
