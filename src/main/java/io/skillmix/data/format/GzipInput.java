package io.skillmix.data.format;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The data of a gzip file (RFC 1952), checked more strictly than {@link java.util.zip.GZIPInputStream}:
 * every member's CRC-32 and length; after a member, only another member or zero padding (what
 * gzip(1) also accepts), so bytes appended to a file are refused instead of dropped; a file cut
 * short says where; and the data may not expand more than {@link #MAX_RATIO} times once past
 * {@link #GRACE_BYTES}, so a small file of (say) gigabytes of newlines ends in a line, not hours of
 * silence. Every refusal is a {@link Refused} whose message is the whole reason.
 */
final class GzipInput extends InputStream {

  /** A reason to stop reading the file, worded for the user. */
  static final class Refused extends IOException {
    Refused(String reason) {
      super(reason);
    }
  }

  /**
   * Expansion allowed past {@link #GRACE_BYTES}: 100 times, Apache POI's bound for zip entries.
   * Measured: JSON Lines with a 1.7 KB system prompt repeated in every record compress 113 times,
   * a run of identical lines 257 times; ordinary text 3 to 10 times.
   */
  static final int MAX_RATIO = 100;

  /** Bytes a file may expand to before its ratio counts: small files are never refused for it. */
  static final long GRACE_BYTES = 256L << 20;

  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;

  private final InputStream raw;
  private final long grace;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int lim;
  private long rawRead;
  private final Inflater inflater = new Inflater(true);
  private final CRC32 crc = new CRC32();
  private long memberBytes;
  private long expanded;
  private int members;
  private boolean done;

  GzipInput(InputStream raw) {
    this(raw, GRACE_BYTES);
  }

  GzipInput(InputStream raw, long grace) {
    this.raw = raw;
    this.grace = grace;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] out, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (!done) {
      if (members == 0 || inflater.finished()) {
        if (members > 0) {
          trailer();
        }
        if (!header()) {
          done = true;
          break;
        }
      }
      int n;
      try {
        if (inflater.needsInput()) {
          if (pos == lim && !fill()) {
            throw new Refused(String.format(Locale.ROOT, "the gzip data is cut short: the file ends inside"
                + " compressed data (after %,d bytes); copy or download it again", rawRead));
          }
          inflater.setInput(buf, pos, lim - pos);
          pos = lim;
        }
        n = inflater.inflate(out, off, len);
      } catch (DataFormatException e) {
        throw new Refused("the gzip data is damaged (" + e.getMessage() + "); copy or download it again");
      }
      if (inflater.finished()) {
        pos = lim - inflater.getRemaining(); // the bytes after the member's data are its trailer
      } else if (n == 0 && !inflater.needsInput()) {
        throw new Refused("the gzip data is damaged (it asks for a preset dictionary); copy or download it again");
      }
      if (n > 0) {
        crc.update(out, off, n);
        memberBytes += n;
        expanded += n;
        checkExpansion();
        return n;
      }
    }
    return -1;
  }

  private void checkExpansion() throws Refused {
    if (expanded > grace && expanded > MAX_RATIO * rawRead) {
      throw new Refused(String.format(Locale.ROOT, "the gzip data expands more than %d times (%,d bytes from the"
          + " first %,d), beyond what skillmix reads from a compressed file (a guard against decompression bombs);"
          + " decompress it yourself (gunzip -k) and give the uncompressed file", MAX_RATIO, expanded, rawRead));
    }
  }

  /** Reads a member's header; false at the end of the file (or of zero padding after the last member). */
  private boolean header() throws IOException {
    int first = next();
    if (first < 0 && members > 0) {
      return false;
    }
    if (members > 0 && first != 0x1F) {
      long at = rawRead - (lim - pos) - 1; // where the byte just read lies in the file
      if (first == 0 && onlyZerosLeft()) {
        return false;
      }
      throw new Refused(String.format(Locale.ROOT, "the file goes on after the end of its gzip data with bytes"
          + " that are not gzip (from byte %,d); was something appended to it? Copy or download it again", at));
    }
    int second = next();
    int method = next();
    int flags = next();
    if (first != 0x1F || second != 0x8B) {
      throw cutOrDamaged(second < 0, "its header");
    }
    if (method != 8 || flags < 0 || (flags & 0xE0) != 0) {
      throw cutOrDamaged(method < 0 || flags < 0, "its header");
    }
    skip(6); // modification time, extra flags, operating system
    if ((flags & FEXTRA) != 0) {
      int length = next() | next() << 8;
      if (length < 0) {
        throw cutOrDamaged(true, "its header");
      }
      skip(length);
    }
    for (int field : new int[] {FNAME, FCOMMENT}) {
      if ((flags & field) != 0) {
        for (int b = next(); b != 0; b = next()) {
          if (b < 0) {
            throw cutOrDamaged(true, "its header");
          }
        }
      }
    }
    if ((flags & FHCRC) != 0) {
      skip(2);
    }
    inflater.reset();
    crc.reset();
    memberBytes = 0;
    members++;
    return true;
  }

  private void trailer() throws IOException {
    long storedCrc = int32();
    long storedSize = int32();
    if (storedCrc < 0 || storedSize < 0) {
      throw cutOrDamaged(true, "its trailer");
    }
    if (storedCrc != crc.getValue() || storedSize != (memberBytes & 0xFFFFFFFFL)) {
      throw new Refused("the gzip data is damaged: its checksum or length does not match what it holds;"
          + " copy or download it again");
    }
  }

  private Refused cutOrDamaged(boolean cut, String where) {
    return new Refused(cut
        ? String.format(Locale.ROOT, "the gzip data is cut short: the file ends in %s (after %,d bytes); copy or"
            + " download it again", where, rawRead)
        : "the gzip data is damaged (" + where + " is not gzip's); copy or download it again");
  }

  private boolean onlyZerosLeft() throws IOException {
    for (int b = next(); b >= 0; b = next()) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private long int32() throws IOException {
    long v = 0;
    for (int i = 0; i < 4; i++) {
      int b = next();
      if (b < 0) {
        return -1;
      }
      v |= (long) b << (8 * i);
    }
    return v;
  }

  private void skip(int n) throws IOException {
    for (int i = 0; i < n; i++) {
      if (next() < 0) {
        throw cutOrDamaged(true, "its header");
      }
    }
  }

  private int next() throws IOException {
    if (pos == lim && !fill()) {
      return -1;
    }
    return buf[pos++] & 0xFF;
  }

  private boolean fill() throws IOException {
    int n = raw.read(buf, 0, buf.length);
    if (n <= 0) {
      pos = lim = 0;
      return false;
    }
    pos = 0;
    lim = n;
    rawRead += n;
    return true;
  }

  @Override
  public void close() throws IOException {
    inflater.end();
    raw.close();
  }
}
