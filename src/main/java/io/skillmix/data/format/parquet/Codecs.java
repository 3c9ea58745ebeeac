package io.skillmix.data.format.parquet;

import io.airlift.compress.MalformedInputException;
import io.airlift.compress.lz4.Lz4Decompressor;
import io.airlift.compress.snappy.SnappyDecompressor;
import io.airlift.compress.zstd.ZstdDecompressor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.zip.GZIPInputStream;

/** Page decompression: uncompressed, Snappy, GZIP, ZSTD and LZ4_RAW (pure Java, aircompressor). */
final class Codecs {

  private static final String[] NAMES = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4",
      "ZSTD", "LZ4_RAW"};

  private Codecs() {}

  static String name(int codec) {
    return codec >= 0 && codec < NAMES.length ? NAMES[codec] : "codec " + codec;
  }

  /** Whether this reader can decompress pages of the codec. */
  static boolean supported(int codec) {
    return codec == 0 || codec == 1 || codec == 2 || codec == 6 || codec == 7;
  }

  /**
   * The largest page decoded: 256 MiB. Writers cut pages at about 1 MiB (pyarrow's data_page_size),
   * and a record is at most 64 MiB, so only a page built to be huge (or a damaged size) passes it.
   */
  static final int MAX_PAGE_BYTES = 256 << 20;

  /**
   * @param column the column's path, for messages
   * @param size the page's size once decompressed, as its header says; what comes out must match it
   */
  static byte[] decompress(int codec, byte[] in, int offset, int length, int size, String column)
      throws ParquetException {
    if (size < 0 || codec == 0 && size != length) {
      throw new ParquetException("damaged page header in column '" + column + "': " + size + " bytes from " + length);
    }
    if (size > MAX_PAGE_BYTES) {
      throw new ParquetException(String.format(java.util.Locale.ROOT, "column '%s': a page header gives %,d bytes,"
          + " more than the %,d bytes (256 MiB) one page may hold here; write the file with smaller pages"
          + " (pyarrow: data_page_size; writers cut pages at about 1 MiB by default)", column, size, MAX_PAGE_BYTES));
    }
    byte[] out = new byte[size];
    try {
      int n = switch (codec) {
        case 0 -> {
          System.arraycopy(in, offset, out, 0, Math.min(length, size));
          yield Math.min(length, size);
        }
        case 1 -> new SnappyDecompressor().decompress(in, offset, length, out, 0, size);
        case 2 -> gunzip(in, offset, length, out);
        case 6 -> new ZstdDecompressor().decompress(in, offset, length, out, 0, size);
        case 7 -> new Lz4Decompressor().decompress(in, offset, length, out, 0, size);
        default -> throw new ParquetException("pages compressed with " + name(codec)
            + ", which skillmix does not read (it reads uncompressed, SNAPPY, GZIP, ZSTD and LZ4_RAW)");
      };
      if (n != size) {
        throw new ParquetException("damaged page: " + n + " bytes after decompression, the header says " + size);
      }
      return out;
    } catch (MalformedInputException | IllegalArgumentException | IndexOutOfBoundsException e) {
      throw new ParquetException("damaged " + name(codec) + " page (" + e.getMessage() + ")");
    }
  }

  private static int gunzip(byte[] in, int offset, int length, byte[] out) throws ParquetException {
    try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(in, offset, length))) {
      return gz.readNBytes(out, 0, out.length);
    } catch (IOException e) {
      throw new ParquetException("damaged GZIP page (" + e.getMessage() + ")");
    }
  }
}
