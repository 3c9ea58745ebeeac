package io.skillmix.cluster;

import io.skillmix.model.ParameterSnapshot;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.zip.CRC32;

/**
 * A {@link ParameterSnapshot} encoded as bytes and cut into chunks of {@code chunkBytes}, made
 * one at a time so a snapshot of hundreds of MB is never copied whole on the sending side. The
 * SHA-256 of the encoding is computed up front (one extra pass) so the offer can carry it.
 *
 * <p>Encoding, big-endian, every field 4-byte aligned so no float straddles two chunks: magic
 * "SMPS", format 1, version (long), entry count; per entry the UTF-8 name length, the name padded
 * with zeros to a multiple of 4, the float count and the floats.
 */
public final class SnapshotChunks implements Iterable<SnapshotChunk> {

  static final int MAGIC = 0x534D5053; // "SMPS"
  static final int FORMAT = 1;
  static final int HEADER_BYTES = 20;
  /** Smallest chunk accepted; config asks for far more (see ClusterSettings). */
  static final int MIN_CHUNK_BYTES = 64;

  private final ParameterSnapshot snapshot;
  private final int chunkBytes;
  private final long totalBytes;
  private final int count;
  private final String sha256;

  private SnapshotChunks(ParameterSnapshot snapshot, int chunkBytes) {
    this.snapshot = snapshot;
    this.chunkBytes = chunkBytes;
    this.totalBytes = encodedSize(snapshot);
    long chunks = Math.max(1, (totalBytes + chunkBytes - 1) / chunkBytes);
    if (chunks > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("snapshot of " + totalBytes + " bytes needs too many chunks of " + chunkBytes);
    }
    this.count = (int) chunks;
    MessageDigest digest = newDigest();
    for (SnapshotChunk chunk : this) {
      digest.update(chunk.bytes());
    }
    this.sha256 = HexFormat.of().formatHex(digest.digest());
  }

  /** @param chunkBytes bytes per chunk (the last may be shorter), rounded down to a multiple of 4 */
  public static SnapshotChunks of(ParameterSnapshot snapshot, int chunkBytes) {
    if (chunkBytes < MIN_CHUNK_BYTES) {
      throw new IllegalArgumentException("chunk size " + chunkBytes + " is below " + MIN_CHUNK_BYTES + " bytes");
    }
    return new SnapshotChunks(snapshot, chunkBytes & ~3);
  }

  public long version() {
    return snapshot.version();
  }

  public int chunkBytes() {
    return chunkBytes;
  }

  public long totalBytes() {
    return totalBytes;
  }

  public int count() {
    return count;
  }

  /** SHA-256 of the whole encoding, lower-case hex. */
  public String sha256() {
    return sha256;
  }

  /** Every chunk in order (the whole snapshot in memory twice: for tests and small snapshots). */
  public List<SnapshotChunk> toList() {
    List<SnapshotChunk> chunks = new ArrayList<>(count);
    forEach(chunks::add);
    return chunks;
  }

  /** The chunks in order, each encoded when asked for. */
  @Override
  public Iterator<SnapshotChunk> iterator() {
    Encoder encoder = new Encoder(snapshot);
    return new Iterator<>() {
      private int index;

      @Override
      public boolean hasNext() {
        return index < count;
      }

      @Override
      public SnapshotChunk next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        long left = totalBytes - (long) index * chunkBytes;
        byte[] bytes = new byte[(int) Math.min(chunkBytes, left)];
        encoder.fill(ByteBuffer.wrap(bytes));
        return new SnapshotChunk(snapshot.version(), index++, count, crc32(bytes), bytes);
      }
    };
  }

  static long encodedSize(ParameterSnapshot snapshot) {
    long size = HEADER_BYTES;
    for (Map.Entry<String, float[]> e : snapshot.weights().entrySet()) {
      size += 8 + padded(e.getKey().getBytes(StandardCharsets.UTF_8).length) + 4L * e.getValue().length;
    }
    return size;
  }

  static int padded(int length) {
    return (length + 3) & ~3;
  }

  static int crc32(byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes);
    return (int) crc.getValue();
  }

  static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  /** Writes the encoding into successive buffers: a list of byte and float segments. */
  private static final class Encoder {
    private final List<Object> segments = new ArrayList<>();
    private int segment;
    private int offset;

    Encoder(ParameterSnapshot snapshot) {
      ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
      header.putInt(MAGIC).putInt(FORMAT).putLong(snapshot.version()).putInt(snapshot.weights().size());
      segments.add(header.array());
      for (Map.Entry<String, float[]> e : snapshot.weights().entrySet()) {
        byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
        ByteBuffer entry = ByteBuffer.allocate(8 + padded(name.length));
        entry.putInt(name.length).put(name).position(4 + padded(name.length));
        entry.putInt(e.getValue().length);
        segments.add(entry.array());
        segments.add(e.getValue());
      }
    }

    /** Fills {@code buffer} to its limit (a multiple of 4, or the end of the encoding). */
    void fill(ByteBuffer buffer) {
      while (buffer.hasRemaining() && segment < segments.size()) {
        Object current = segments.get(segment);
        int length;
        if (current instanceof byte[] bytes) {
          int n = Math.min(buffer.remaining(), bytes.length - offset);
          buffer.put(bytes, offset, n);
          offset += n;
          length = bytes.length;
        } else {
          float[] floats = (float[]) current;
          int n = Math.min(buffer.remaining() / 4, floats.length - offset);
          buffer.asFloatBuffer().put(floats, offset, n);
          buffer.position(buffer.position() + 4 * n);
          offset += n;
          length = floats.length;
        }
        if (offset == length) {
          segment++;
          offset = 0;
        }
      }
    }
  }
}
