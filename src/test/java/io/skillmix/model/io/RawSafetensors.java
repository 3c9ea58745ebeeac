package io.skillmix.model.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Safetensors files assembled byte by byte in the tests, as another tool would write them. */
final class RawSafetensors {

  private RawSafetensors() {}

  /** The 8-byte little-endian length, the header text as given (no padding), then the data bytes. */
  static Path write(Path file, String header, byte[] data) {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    return write(file, json.length, json, data);
  }

  /** As above with any length prefix, true or not. */
  static Path write(Path file, long claimedLength, byte[] header, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(claimedLength).put(header).put(data);
    try {
      Files.write(file, b.array());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** Exactly these bytes, for files too short or cut off. */
  static Path writeBytes(Path file, byte[] bytes) {
    try {
      return Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] shorts(int... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      b.putShort((short) v);
    }
    return b.array();
  }

  static byte[] floats(float... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  static byte[] bytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The header length a file declares in its first 8 bytes. */
  static long headerLength(Path file) {
    return ByteBuffer.wrap(bytes(file), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }
}
