package io.skillmix.cluster;

import io.skillmix.model.ParameterSnapshot;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds a {@link ParameterSnapshot} from its chunks, in any order, and only from a complete
 * set that matches the offer: every chunk once, each with its CRC32, the whole with its SHA-256.
 * Anything else is refused with a {@link SnapshotTransferException} that says what was wrong, so
 * a replica is never built from a partial or damaged snapshot. Not thread-safe: one stream feeds it.
 */
public final class SnapshotAssembler {

  private final long version;
  private final int count;
  private final int chunkBytes;
  private final long totalBytes;
  private final String sha256;
  private final byte[] encoding;
  private final boolean[] received;
  private int receivedCount;

  public SnapshotAssembler(SnapshotOffer offer) {
    this(offer.version(), offer.chunkCount(), offer.chunkBytes(), offer.totalBytes(), offer.sha256());
  }

  public SnapshotAssembler(long version, int count, int chunkBytes, long totalBytes, String sha256) {
    if (totalBytes > Integer.MAX_VALUE - 16) {
      throw new SnapshotTransferException("snapshot v" + version + " has " + totalBytes
          + " bytes; one transfer rebuilds at most 2 GiB");
    }
    if (count < 1 || chunkBytes < SnapshotChunks.MIN_CHUNK_BYTES
        || (long) (count - 1) * chunkBytes >= Math.max(totalBytes, 1) || (long) count * chunkBytes < totalBytes) {
      throw new SnapshotTransferException("snapshot v" + version + ": " + count + " chunks of " + chunkBytes
          + " bytes cannot hold " + totalBytes + " bytes");
    }
    this.version = version;
    this.count = count;
    this.chunkBytes = chunkBytes;
    this.totalBytes = totalBytes;
    this.sha256 = sha256;
    this.encoding = new byte[(int) totalBytes];
    this.received = new boolean[count];
  }

  /** Takes one chunk, refusing one that is foreign, repeated, of the wrong size or damaged. */
  public void accept(SnapshotChunk chunk) {
    String which = "chunk " + chunk.index() + " of " + count + " of snapshot v" + version;
    if (chunk.version() != version || chunk.count() != count) {
      throw new SnapshotTransferException(which + " belongs to another transfer (snapshot v"
          + chunk.version() + ", " + chunk.count() + " chunks)");
    }
    if (chunk.index() < 0 || chunk.index() >= count) {
      throw new SnapshotTransferException("chunk index " + chunk.index() + " is outside 0.." + (count - 1)
          + " of snapshot v" + version);
    }
    if (received[chunk.index()]) {
      throw new SnapshotTransferException(which + " arrived twice");
    }
    long offset = (long) chunk.index() * chunkBytes;
    long expected = Math.min(chunkBytes, totalBytes - offset);
    if (chunk.bytes().length != expected) {
      throw new SnapshotTransferException(which + " has " + chunk.bytes().length + " bytes, expected "
          + expected + " (truncated or damaged)");
    }
    if (SnapshotChunks.crc32(chunk.bytes()) != chunk.crc32()) {
      throw new SnapshotTransferException(which + " is damaged: its CRC32 does not match its bytes");
    }
    System.arraycopy(chunk.bytes(), 0, encoding, (int) offset, chunk.bytes().length);
    received[chunk.index()] = true;
    receivedCount++;
  }

  public boolean isComplete() {
    return receivedCount == count;
  }

  /** The snapshot, once every chunk is in and the digest matches. */
  public ParameterSnapshot assemble() {
    if (!isComplete()) {
      List<Integer> missing = new ArrayList<>();
      for (int i = 0; i < count && missing.size() < 5; i++) {
        if (!received[i]) {
          missing.add(i);
        }
      }
      throw new SnapshotTransferException("snapshot v" + version + " is incomplete: " + (count - receivedCount)
          + " of " + count + " chunks missing (first: " + missing + ")");
    }
    MessageDigest digest = SnapshotChunks.newDigest();
    String actual = HexFormat.of().formatHex(digest.digest(encoding));
    if (!actual.equals(sha256)) {
      throw new SnapshotTransferException("snapshot v" + version + " fails its SHA-256 check (expected "
          + sha256 + ", got " + actual + ")");
    }
    try {
      return decode();
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new SnapshotTransferException("snapshot v" + version + " is not a valid encoding: " + e);
    }
  }

  private ParameterSnapshot decode() {
    ByteBuffer in = ByteBuffer.wrap(encoding);
    if (in.getInt() != SnapshotChunks.MAGIC || in.getInt() != SnapshotChunks.FORMAT) {
      throw new IllegalArgumentException("unknown magic or format");
    }
    long encodedVersion = in.getLong();
    if (encodedVersion != version) {
      throw new IllegalArgumentException("it holds version " + encodedVersion);
    }
    int entries = in.getInt();
    Map<String, float[]> weights = new LinkedHashMap<>();
    for (int i = 0; i < entries; i++) {
      int nameLength = in.getInt();
      byte[] name = new byte[nameLength];
      in.get(name);
      in.position(in.position() + SnapshotChunks.padded(nameLength) - nameLength);
      float[] values = new float[in.getInt()];
      in.asFloatBuffer().get(values);
      in.position(in.position() + 4 * values.length);
      weights.put(new String(name, StandardCharsets.UTF_8), values);
    }
    if (in.hasRemaining()) {
      throw new IllegalArgumentException(in.remaining() + " bytes left over");
    }
    return new ParameterSnapshot(version, weights);
  }
}
