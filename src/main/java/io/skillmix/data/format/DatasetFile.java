package io.skillmix.data.format;

import io.skillmix.UserError;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Opens a dataset file as a {@link RecordSource}: JSON text (JSON Lines or an array), the same
 * gzip-compressed, or Parquet, told apart by the file's first bytes rather than its name. Only
 * regular files are read: a directory, a device or a pipe is refused before a byte is read.
 */
final class DatasetFile {

  private static final int BUFFER = 1 << 16;

  /** An opened file; {@code gzip} tells how to word a read error. */
  record Opened(RecordSource source, boolean gzip) {}

  private DatasetFile() {}

  /** @param fields the top-level fields records are read from (a Parquet file decodes only these columns) */
  static Opened open(Path file, java.util.Set<String> fields) {
    requireRegularFile(file);
    InputStream in = null;
    try {
      in = new BufferedInputStream(Files.newInputStream(file), BUFFER);
      FileKind kind = sniff(in);
      if (kind == FileKind.PARQUET) {
        in.close();
        return new Opened(ParquetRecords.open(file, fields), false);
      }
      boolean gzip = kind == FileKind.GZIP;
      if (gzip) {
        in = new BufferedInputStream(new GzipInput(in), BUFFER);
        kind = sniff(in);
      }
      if (kind != FileKind.TEXT) {
        throw new UserError(file + ": " + (gzip ? "a gzip-compressed file holding " : "") + kind.description()
            + ", not a dataset" + hint(kind, gzip));
      }
      return new Opened(new RecordSplitter(file, new Utf8Lines(in)), gzip);
    } catch (GzipInput.Refused e) {
      closeQuietly(in);
      throw new UserError(file + ": " + e.getMessage());
    } catch (IOException e) {
      closeQuietly(in);
      throw new UserError(file + ": cannot read the dataset file (" + e.getMessage() + ")");
    } catch (RuntimeException e) {
      closeQuietly(in);
      throw e;
    }
  }

  private static String hint(FileKind kind, boolean gzip) {
    return switch (kind) {
      case UTF16 -> "; save the file as UTF-8";
      case ZIP, XZ, BZIP2, ZSTD, SEVEN_ZIP, TAR -> "; unpack it and give the dataset file inside";
      case PARQUET -> "; decompress it (Parquet compresses its own pages)";
      default -> "; skillmix reads JSON Lines, a JSON array or Parquet"
          + (gzip ? "" : ", optionally gzip-compressed");
    };
  }

  private static void requireRegularFile(Path file) {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new UserError(file + ": dataset file not found; check the path");
    } catch (IOException e) {
      throw new UserError(file + ": cannot open the dataset file (" + e.getMessage() + ")");
    }
    if (attributes.isDirectory()) {
      throw new UserError(file + ": a directory, not a dataset file; give the path of a file in it");
    }
    if (!attributes.isRegularFile()) {
      throw new UserError(file + ": not a regular file (a device, pipe or socket); save the data"
          + " to a file and give its path");
    }
  }

  private static FileKind sniff(InputStream in) throws IOException {
    in.mark(FileKind.HEAD_BYTES);
    byte[] head = in.readNBytes(FileKind.HEAD_BYTES);
    in.reset();
    return FileKind.of(head, head.length);
  }

  private static void closeQuietly(InputStream in) {
    if (in != null) {
      try {
        in.close();
      } catch (IOException ignored) {
        // the open failed already; that is what the user hears about
      }
    }
  }
}
