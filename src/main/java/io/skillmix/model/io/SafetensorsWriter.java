package io.skillmix.model.io;

import com.google.gson.Gson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a {@code .safetensors} file: to a temporary file in the same folder, forced to disk,
 * then renamed over the target, so an existing file is never left half written.
 */
public final class SafetensorsWriter {

  private SafetensorsWriter() {}

  public static void write(Path file, Map<String, TensorData> tensors, DType dtype,
      Map<String, String> metadata) {
    if (dtype != DType.F32 && dtype != DType.F16 && dtype != DType.BF16) {
      throw new IllegalArgumentException("weights are written as F32, F16 or BF16, not " + dtype);
    }
    Map<String, Object> header = new LinkedHashMap<>();
    if (metadata != null && !metadata.isEmpty()) {
      header.put("__metadata__", metadata);
    }
    long offset = 0;
    for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
      long bytes = (long) e.getValue().values().length * dtype.bytes();
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("dtype", dtype.name());
      entry.put("shape", e.getValue().shape());
      entry.put("data_offsets", new long[] {offset, offset + bytes});
      header.put(e.getKey(), entry);
      offset += bytes;
    }
    byte[] json = new Gson().toJson(header).getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8; // spaces to an 8-byte boundary, as the reference writer
    Path parent = file.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(parent);
      tmp = Files.createTempFile(parent, "." + file.getFileName(), ".tmp");
      try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
          head.put((byte) ' ');
        }
        writeFully(out, head.flip());
        for (TensorData t : tensors.values()) {
          writeFully(out, encode(t.values(), dtype));
        }
        out.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the write already failed; report that
        }
      }
      throw new UncheckedIOException("writing " + file, e);
    }
  }

  static ByteBuffer encode(float[] values, DType dtype) {
    ByteBuffer out = ByteBuffer.allocate(values.length * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
    switch (dtype) {
      case F32 -> out.asFloatBuffer().put(values);
      case F16 -> {
        for (float v : values) {
          out.putShort(DType.floatToHalf(v));
        }
      }
      case BF16 -> {
        for (float v : values) {
          out.putShort(DType.floatToBf16(v));
        }
      }
      default -> throw new IllegalArgumentException(dtype.name());
    }
    out.position(0);
    out.limit(values.length * dtype.bytes());
    return out;
  }

  private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }
}
