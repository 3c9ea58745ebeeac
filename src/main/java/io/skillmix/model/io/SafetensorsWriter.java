package io.skillmix.model.io;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.skillmix.UserError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Writes a {@code .safetensors} file: to a temporary file in the same folder, forced to disk,
 * then renamed over the target, so an existing file is never left half written.
 */
public final class SafetensorsWriter {

  /** Values are encoded through a buffer of this many, not a second copy of the tensor. */
  private static final int CHUNK_VALUES = 1 << 18;

  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  private SafetensorsWriter() {}

  /** Writes the tensors in the map's iteration order; metadata may be null. */
  public static void write(Path file, Map<String, TensorData> tensors, DType dtype,
      Map<String, String> metadata) {
    commit(writeTemporary(file, shapes(tensors), dtype, metadata, name -> tensors.get(name).values()), file);
  }

  /**
   * Writes tensors whose values are asked for one at a time, in the order of {@code shapes}, so a
   * caller (a merge) can produce a file larger than memory.
   */
  public static void write(Path file, Map<String, long[]> shapes, DType dtype, Map<String, String> metadata,
      Function<String, float[]> values) {
    commit(writeTemporary(file, shapes, dtype, metadata, values), file);
  }

  static Map<String, long[]> shapes(Map<String, TensorData> tensors) {
    Map<String, long[]> shapes = new LinkedHashMap<>();
    tensors.forEach((name, t) -> shapes.put(name, t.shape()));
    return shapes;
  }

  /** The bytes a tensor of this shape takes in this dtype. */
  static long bytes(long[] shape, DType dtype) {
    return Math.multiplyExact(Shapes.elements(shape), (long) dtype.bytes());
  }

  /** Writes the whole file beside {@code file}, forced to disk, and returns the temporary's path. */
  static Path writeTemporary(Path file, Map<String, long[]> shapes, DType dtype, Map<String, String> metadata,
      Function<String, float[]> values) {
    if (!dtype.writable()) {
      throw new IllegalArgumentException("weights are written as F32, F16 or BF16, not " + dtype);
    }
    byte[] header = header(shapes, dtype, metadata);
    Path parent = file.toAbsolutePath().getParent();
    Path tmp = temporaryFor(file);
    try {
      Files.createDirectories(parent);
      // CREATE_NEW with default permissions: Files.createTempFile would leave the model owner-only.
      try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        writeFully(out, ByteBuffer.wrap(header));
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_VALUES * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
          float[] v = values.apply(e.getKey());
          if (v == null || v.length != Shapes.elements(e.getValue())) {
            throw new IllegalStateException("tensor '" + e.getKey() + "' has " + (v == null ? "no" : v.length)
                + " values for shape " + Arrays.toString(e.getValue()));
          }
          for (int at = 0; at < v.length; at += CHUNK_VALUES) {
            chunk.clear();
            encode(v, at, Math.min(CHUNK_VALUES, v.length - at), dtype, chunk);
            writeFully(out, chunk.flip());
          }
        }
        out.force(true);
      }
      return tmp;
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw cannotWrite(file, e);
    } catch (RuntimeException e) {
      deleteQuietly(tmp);
      throw e;
    }
  }

  /** A fresh hidden name beside {@code file}, so concurrent or crashed writes never collide. */
  static Path temporaryFor(Path file) {
    return file.toAbsolutePath().resolveSibling("." + file.getFileName() + "."
        + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
  }

  /** Renames a finished temporary over its target, then syncs the folder so the rename survives a crash. */
  static void commit(Path tmp, Path file) {
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw cannotWrite(file, e);
    }
    syncFolder(tmp.getParent());
  }

  /** The length prefix and the JSON header, padded with spaces to 8 bytes as the reference writer does. */
  private static byte[] header(Map<String, long[]> shapes, DType dtype, Map<String, String> metadata) {
    Map<String, Object> header = new LinkedHashMap<>();
    if (metadata != null && !metadata.isEmpty()) {
      header.put("__metadata__", metadata);
    }
    long offset = 0;
    for (Map.Entry<String, long[]> e : shapes.entrySet()) {
      if (e.getKey().equals("__metadata__")) {
        throw new IllegalArgumentException("a tensor cannot be named __metadata__");
      }
      long bytes = bytes(e.getValue(), dtype);
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("dtype", dtype.name());
      entry.put("shape", e.getValue());
      entry.put("data_offsets", new long[] {offset, offset + bytes});
      header.put(e.getKey(), entry);
      offset += bytes;
    }
    byte[] json = GSON.toJson(header).getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer out = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(padded).put(json);
    while (out.hasRemaining()) {
      out.put((byte) ' ');
    }
    return out.array();
  }

  private static void encode(float[] values, int from, int n, DType dtype, ByteBuffer out) {
    switch (dtype) {
      case F32 -> {
        out.asFloatBuffer().put(values, from, n);
        out.position(n * 4);
      }
      case F16 -> {
        for (int i = from; i < from + n; i++) {
          out.putShort(DType.floatToHalf(values[i]));
        }
      }
      case BF16 -> {
        for (int i = from; i < from + n; i++) {
          out.putShort(DType.floatToBf16(values[i]));
        }
      }
      default -> throw new IllegalArgumentException(dtype.name());
    }
  }

  static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  static UserError cannotWrite(Path file, IOException e) {
    return new UserError(file + ": cannot write (" + e.getClass().getSimpleName() + ": " + e.getMessage()
        + "); check that the folder is writable and the disk has space");
  }

  static void syncFolder(Path folder) {
    try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException ignored) {
      // not every file system can sync a folder; the files themselves are already on disk
    }
  }

  static void deleteQuietly(Path tmp) {
    try {
      Files.deleteIfExists(tmp);
    } catch (IOException ignored) {
      // the write already failed; that is the error to report
    }
  }
}
