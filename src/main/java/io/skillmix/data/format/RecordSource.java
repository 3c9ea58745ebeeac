package io.skillmix.data.format;

import com.google.gson.JsonObject;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/** Where {@link DatasetReader} takes its records from: JSON text cut from a file, or Parquet rows. */
interface RecordSource extends Closeable {

  /**
   * One record: its JSON text (with the 0-based column where it starts on its line), an object
   * already built (a Parquet row), or a fault in its place. {@code line} is the 1-based line (the
   * row, for Parquet) where it starts.
   */
  record Chunk(int line, int column, String json, JsonObject object, Fault fault) {

    static Chunk text(int line, int column, String json) {
      return new Chunk(line, column, json, null, null);
    }

    static Chunk object(int row, JsonObject object) {
      return new Chunk(row, 0, null, object, null);
    }

    static Chunk fault(Path file, int line, String reason) {
      return new Chunk(line, 0, null, null, new Fault(file, line, reason));
    }
  }

  /** The next record or fault; {@code null} at the end. */
  Chunk next() throws IOException;
}
