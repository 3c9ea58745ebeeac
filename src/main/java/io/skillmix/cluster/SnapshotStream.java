package io.skillmix.cluster;

import io.skillmix.model.ParameterSnapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The bytes of one snapshot transfer. The receiver opens the connection and names the offer:
 * {@code "SMSQ", format, token (16 bytes)}. The sender answers with frames, each
 * {@code length, CRC32C, bytes} (little-endian): first the header ({@code "SMSP", format, status}
 * and, when the offer stands, the version, the dtype and every tensor's name and size), then the
 * values of every tensor in order in frames of at most {@code cluster.snapshot-chunk-bytes}, then
 * an end mark {@code -1, frame count}. The receiver checks every frame's CRC32C and that the
 * stream holds exactly what the offer announced before it hands out a snapshot; the values go
 * from the wire into fresh arrays, so nothing half-received is ever seen by a replica.
 */
final class SnapshotStream {

  static final int REQUEST_MAGIC = 0x534D5351; // "SMSQ"
  static final int RESPONSE_MAGIC = 0x534D5350; // "SMSP"
  static final int FORMAT = 2;
  static final int TOKEN_BYTES = 16;
  static final int REQUEST_BYTES = 8 + TOKEN_BYTES;
  static final byte OFFERED = 0;
  static final byte NOT_OFFERED = 1;
  static final int END = -1;
  /** Bounds a receiver puts on a header, whatever the sender claims. */
  static final int MAX_ENTRIES = 1 << 20;
  static final int MAX_NAME_BYTES = 1 << 12;
  static final int MAX_HEADER_BYTES = 64 << 20;

  private SnapshotStream() {}

  static void writeRequest(SnapshotWire wire, String token) throws IOException {
    ByteBuffer request = wire.allocate(REQUEST_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    request.putInt(REQUEST_MAGIC).putInt(FORMAT).put(HexFormat.of().parseHex(token)).flip();
    wire.write(request);
  }

  /** The token a receiver asked for, or null for a connection that does not speak this protocol. */
  static String readRequest(SnapshotWire wire) throws IOException {
    ByteBuffer request = wire.allocate(REQUEST_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    wire.readFully(request);
    request.flip();
    if (request.getInt() != REQUEST_MAGIC || request.getInt() != FORMAT) {
      return null;
    }
    byte[] token = new byte[TOKEN_BYTES];
    request.get(token);
    return HexFormat.of().formatHex(token);
  }

  /** Answers a request for an offer this node no longer holds. */
  static void writeNotOffered(SnapshotWire wire) throws IOException {
    ByteBuffer header = wire.allocate(8 + 9).order(ByteOrder.LITTLE_ENDIAN);
    header.position(8);
    header.putInt(RESPONSE_MAGIC).putInt(FORMAT).put(NOT_OFFERED);
    sendFrame(wire, header, new CRC32C());
  }

  /** Sends {@code snapshot}'s header, its values as {@code dtype} in frames of {@code chunkBytes}, and the end mark. */
  static void write(SnapshotWire wire, ParameterSnapshot snapshot, SnapshotDtype dtype, int chunkBytes)
      throws IOException {
    CRC32C crc = new CRC32C();
    List<byte[]> names = new ArrayList<>();
    int headerBytes = 8 + 4 + 4 + 1 + 8 + 1 + 4;
    for (String name : snapshot.weights().keySet()) {
      byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
      names.add(bytes);
      headerBytes += 8 + bytes.length;
    }
    ByteBuffer header = wire.allocate(headerBytes).order(ByteOrder.LITTLE_ENDIAN);
    header.position(8);
    header.putInt(RESPONSE_MAGIC).putInt(FORMAT).put(OFFERED).putLong(snapshot.version())
        .put((byte) dtype.ordinal()).putInt(names.size());
    int i = 0;
    for (float[] values : snapshot.weights().values()) {
      header.putInt(names.get(i).length).put(names.get(i++)).putInt(values.length);
    }
    sendFrame(wire, header, crc);

    int perFrame = Math.max(1, chunkBytes / dtype.bytes());
    ByteBuffer frame = wire.allocate(8 + perFrame * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
    frame.position(8);
    int frames = 0;
    for (float[] values : snapshot.weights().values()) {
      for (int offset = 0; offset < values.length; ) {
        int n = Math.min(values.length - offset, frame.remaining() / dtype.bytes());
        dtype.put(frame, values, offset, n);
        offset += n;
        if (frame.remaining() < dtype.bytes()) {
          sendFrame(wire, frame, crc);
          frames++;
          frame.clear().position(8);
        }
      }
    }
    if (frame.position() > 8) {
      sendFrame(wire, frame, crc);
      frames++;
    }
    ByteBuffer end = wire.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    end.putInt(END).putInt(frames).flip();
    wire.write(end);
  }

  /** Frames the bytes from 8 up to the buffer's position: their length and CRC32C go in front. */
  private static void sendFrame(SnapshotWire wire, ByteBuffer buffer, CRC32C crc) throws IOException {
    int length = buffer.position() - 8;
    buffer.flip().position(8);
    crc.reset();
    crc.update(buffer);
    buffer.putInt(0, length).putInt(4, (int) crc.getValue()).position(0);
    wire.write(buffer);
  }

  /** Reads the snapshot {@code offer} announced, or fails with a {@link SnapshotTransferException} that says why. */
  static ParameterSnapshot read(SnapshotWire wire, SnapshotOffer offer) throws IOException {
    String which = "snapshot v" + offer.version();
    CRC32C crc = new CRC32C();
    ByteBuffer head = wire.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer[] buffer = {null};
    ByteBuffer header = readFrame(wire, head, buffer, false, MAX_HEADER_BYTES, crc, which);
    if (header.remaining() < 9 || header.getInt() != RESPONSE_MAGIC || header.getInt() != FORMAT) {
      throw new SnapshotTransferException(which + ": the sender does not speak this snapshot format", false, null);
    }
    if (header.get() == NOT_OFFERED) {
      throw new SnapshotTransferException(which + " is no longer offered by " + offer.host() + ":" + offer.port()
          + " (the sender withdrew it: its update was abandoned or the run moved on)", false, null);
    }
    Map<String, float[]> weights = readHeader(header, offer, which);
    List<float[]> tensors = new ArrayList<>(weights.values());
    SnapshotDtype dtype = offer.dtype();
    int maxFrame = (int) Math.min(ClusterSettings.MAX_CHUNK, Math.max(dtype.bytes(), offer.wireBytes()));
    buffer[0] = null; // the header's; frames get one of their own size
    int tensor = 0;
    int offset = 0;
    long left = offer.values();
    int frames = 0;
    while (true) {
      ByteBuffer payload = readFrame(wire, head, buffer, true, maxFrame, crc, which);
      if (payload == null) {
        int count = head.getInt(4);
        if (left != 0 || count != frames) {
          throw new SnapshotTransferException(which + " ended early: " + left + " of " + offer.values()
              + " values missing (" + frames + " frames received, the sender counted " + count + ")");
        }
        return new ParameterSnapshot(offer.version(), weights);
      }
      frames++;
      if (payload.remaining() % dtype.bytes() != 0 || payload.remaining() / dtype.bytes() > left) {
        throw new SnapshotTransferException(which + ": frame " + frames + " holds " + payload.remaining()
            + " bytes, not whole values within the " + left + " still due");
      }
      while (payload.hasRemaining()) {
        while (offset == tensors.get(tensor).length) {
          tensor++;
          offset = 0;
        }
        int n = Math.min(tensors.get(tensor).length - offset, payload.remaining() / dtype.bytes());
        dtype.get(payload, tensors.get(tensor), offset, n);
        offset += n;
        left -= n;
      }
    }
  }

  /**
   * One frame, read into {@code buffer[0]} (replaced by a larger one when it is too small), its CRC
   * checked; null for the end mark where one may come, its frame count then in {@code head} at 4.
   */
  private static ByteBuffer readFrame(SnapshotWire wire, ByteBuffer head, ByteBuffer[] holder, boolean endAllowed,
      int max, CRC32C crc, String which) throws IOException {
    head.clear();
    wire.readFully(head);
    int length = head.getInt(0);
    if (length == END && endAllowed) {
      return null;
    }
    if (length < 0 || length > max) {
      throw new SnapshotTransferException(which + ": a frame of " + length + " bytes (at most " + max
          + " expected): the stream is damaged");
    }
    if (holder[0] == null || holder[0].capacity() < length) {
      holder[0] = wire.allocate(length);
    }
    ByteBuffer buffer = holder[0];
    buffer.clear().limit(length);
    buffer.order(ByteOrder.LITTLE_ENDIAN);
    wire.readFully(buffer);
    buffer.flip();
    crc.reset();
    crc.update(buffer);
    if ((int) crc.getValue() != head.getInt(4)) {
      throw new SnapshotTransferException(which + ": a frame of " + length + " bytes fails its CRC32C check"
          + " (damaged on the way)");
    }
    buffer.flip();
    return buffer;
  }

  private static Map<String, float[]> readHeader(ByteBuffer header, SnapshotOffer offer, String which) {
    try {
      long version = header.getLong();
      int dtype = header.get();
      int entries = header.getInt();
      if (version != offer.version() || dtype != offer.dtype().ordinal() || entries < 0 || entries > MAX_ENTRIES) {
        throw new SnapshotTransferException(which + ": the stream holds version " + version + ", dtype " + dtype
            + ", " + entries + " tensors, not what was offered", false, null);
      }
      Map<String, float[]> weights = new LinkedHashMap<>();
      long total = 0;
      for (int i = 0; i < entries; i++) {
        int nameBytes = header.getInt();
        if (nameBytes < 0 || nameBytes > MAX_NAME_BYTES) {
          throw new SnapshotTransferException(which + ": a tensor name of " + nameBytes + " bytes", false, null);
        }
        byte[] name = new byte[nameBytes];
        header.get(name);
        int count = header.getInt();
        total += count;
        if (count < 0 || total > offer.values()) {
          throw new SnapshotTransferException(which + ": its tensors hold more than the " + offer.values()
              + " values offered", false, null);
        }
        weights.put(new String(name, StandardCharsets.UTF_8), new float[count]);
      }
      if (total != offer.values() || header.hasRemaining()) {
        throw new SnapshotTransferException(which + ": its tensors hold " + total + " values, "
            + offer.values() + " were offered", false, null);
      }
      return weights;
    } catch (java.nio.BufferUnderflowException e) {
      throw new SnapshotTransferException(which + ": its header is cut short", false, null);
    }
  }
}
