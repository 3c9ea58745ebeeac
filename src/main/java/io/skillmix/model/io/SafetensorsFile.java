package io.skillmix.model.io;

import io.skillmix.UserError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a {@code .safetensors} file: an 8-byte little-endian header length, a JSON header naming
 * each tensor's dtype, shape and byte range, then the data. The header is checked whole before
 * anything of the size it claims is allocated; tensors are then read one at a time, on demand, with
 * positional reads (safe from several threads), so models larger than memory can be streamed.
 */
public final class SafetensorsFile implements AutoCloseable {

  /** Largest header accepted: real ones are kilobytes; this bounds what a bad file can make us read. */
  static final long MAX_HEADER_BYTES = 100L << 20;

  /** Tensors are read and converted through a buffer of this size, not a copy of their bytes. */
  private static final int CHUNK_BYTES = 1 << 20;

  private final Path file;
  private final FileChannel channel;
  private final long dataStart;
  private final Map<String, TensorInfo> tensors;
  private final Map<String, String> metadata;

  private SafetensorsFile(Path file, FileChannel channel, long dataStart, Map<String, TensorInfo> tensors,
      Map<String, String> metadata) {
    this.file = file;
    this.channel = channel;
    this.dataStart = dataStart;
    this.tensors = tensors;
    this.metadata = metadata;
  }

  public static SafetensorsFile open(Path file) {
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new UserError(file + ": not found");
    } catch (IOException e) {
      throw new UserError(file + ": cannot open (" + e.getMessage() + ")");
    }
    try {
      long size = channel.size();
      if (size < 8) {
        throw invalid(file, "it is " + size + " bytes long, shorter than the 8-byte header length");
      }
      ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(channel, lengthBytes, 0);
      long headerLength = lengthBytes.flip().getLong(); // unsigned: "negative" means over 2^63
      if (Long.compareUnsigned(headerLength, MAX_HEADER_BYTES) > 0) {
        throw invalid(file, "header length " + Long.toUnsignedString(headerLength)
            + " is over the " + MAX_HEADER_BYTES + "-byte limit");
      }
      if (headerLength > size - 8) {
        throw invalid(file, "header length " + headerLength + " is more than the file's "
            + (size - 8) + " bytes after the length (truncated file?)");
      }
      if (headerLength < 2) {
        throw invalid(file, "header length " + headerLength + " is too short for a JSON object");
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLength);
      readFully(channel, header, 8);
      String json = decodeUtf8(file, header.flip());
      long dataStart = 8 + headerLength;
      Map<String, String> metadata = new LinkedHashMap<>();
      Map<String, TensorInfo> tensors = SafetensorsHeader.parse(file, json, size - dataStart, metadata);
      return new SafetensorsFile(file, channel, dataStart, tensors, Collections.unmodifiableMap(metadata));
    } catch (IOException e) {
      close(channel);
      throw new UserError(file + ": cannot read (" + e.getMessage() + ")");
    } catch (RuntimeException e) {
      close(channel);
      throw e;
    }
  }

  private static String decodeUtf8(Path file, ByteBuffer bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes)
          .toString();
    } catch (CharacterCodingException e) {
      throw invalid(file, "the header is not UTF-8 text");
    }
  }

  static UserError invalid(Path file, String reason) {
    return new UserError(file + ": not a valid safetensors file: " + reason);
  }

  public Path file() {
    return file;
  }

  /** Every tensor, in the header's order. */
  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  /** The header's {@code __metadata__} (empty when it has none). */
  public Map<String, String> metadata() {
    return metadata;
  }

  public TensorInfo info(String name) {
    TensorInfo info = tensors.get(name);
    if (info == null) {
      throw new UserError(file + ": no tensor named '" + name + "'");
    }
    return info;
  }

  public TensorData read(String name) {
    return new TensorData(info(name).shape(), readFloats(name));
  }

  /** The tensor's values as floats (F16 and BF16 widened; F64, I64 and I32 converted). */
  public float[] readFloats(String name) {
    TensorInfo info = readable(name);
    long n = info.elements();
    if (n > Integer.MAX_VALUE - 8) {
      throw new UserError(file + ": tensor '" + name + "' has " + n
          + " values, more than one Java array holds; read it in parts");
    }
    float[] out = new float[(int) n];
    readInto(info, 0, out);
    return out;
  }

  /**
   * Values {@code [first, first + into.length)} of a tensor in row-major order, for a caller that
   * streams a tensor too large to hold whole.
   */
  public void readFloats(String name, long first, float[] into) {
    TensorInfo info = readable(name);
    if (first < 0 || first > info.elements() - into.length) {
      throw new IndexOutOfBoundsException("values [" + first + ", " + (first + into.length) + ") of '"
          + name + "' with " + info.elements() + " values");
    }
    readInto(info, first, into);
  }

  private TensorInfo readable(String name) {
    TensorInfo info = info(name);
    if (!info.dtype().readableAsFloat()) {
      throw new UserError(file + ": tensor '" + name + "' has dtype " + info.dtype()
          + "; only F32, F16, BF16 weights are supported (F64, I64 and I32 are converted too)");
    }
    return info;
  }

  private void readInto(TensorInfo info, long first, float[] out) {
    int size = info.dtype().bytes();
    int perChunk = CHUNK_BYTES / size;
    ByteBuffer chunk = ByteBuffer.allocate((int) Math.min((long) out.length * size, CHUNK_BYTES))
        .order(ByteOrder.LITTLE_ENDIAN);
    long position = dataStart + info.begin() + first * size;
    for (int done = 0; done < out.length; ) {
      int n = Math.min(out.length - done, perChunk);
      chunk.clear().limit(n * size);
      try {
        readFully(channel, chunk, position);
      } catch (ClosedChannelException e) {
        throw new IllegalStateException(file + " is closed", e);
      } catch (IOException e) {
        throw new UserError(file + ": cannot read tensor '" + info.name() + "' (" + e.getMessage()
            + "); was the file changed while in use?");
      }
      chunk.flip();
      convert(info.dtype(), chunk, out, done, n);
      position += (long) n * size;
      done += n;
    }
  }

  private static void convert(DType dtype, ByteBuffer bytes, float[] out, int at, int n) {
    switch (dtype) {
      case F32 -> bytes.asFloatBuffer().get(out, at, n);
      case F16 -> {
        for (int i = 0; i < n; i++) {
          out[at + i] = DType.halfToFloat(bytes.getShort());
        }
      }
      case BF16 -> {
        for (int i = 0; i < n; i++) {
          out[at + i] = DType.bf16ToFloat(bytes.getShort());
        }
      }
      case F64 -> {
        for (int i = 0; i < n; i++) {
          out[at + i] = (float) bytes.getDouble();
        }
      }
      case I64 -> {
        for (int i = 0; i < n; i++) {
          out[at + i] = bytes.getLong();
        }
      }
      case I32 -> {
        for (int i = 0; i < n; i++) {
          out[at + i] = bytes.getInt();
        }
      }
      default -> throw new IllegalArgumentException("no float conversion for " + dtype);
    }
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, at);
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
      at += n;
    }
  }

  private static void close(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // already failing or closing: nothing useful to add
    }
  }

  @Override
  public void close() {
    close(channel);
  }
}
