package io.skillmix.data.format;

import com.google.gson.JsonObject;
import io.skillmix.UserError;
import io.skillmix.data.format.parquet.ParquetException;
import io.skillmix.data.format.parquet.ParquetRows;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The rows of a Parquet file as records: each row is a JSON object of its columns (a
 * list-of-structs {@code messages} column becomes a list of objects), read like a JSON record.
 * A record's "line" is its 1-based row number. A file this reader cannot read ends in one line.
 */
final class ParquetRecords implements RecordSource {

  private final Path file;
  private final ParquetRows rows;
  private int row;
  private boolean done;

  private ParquetRecords(Path file, ParquetRows rows) {
    this.file = file;
    this.rows = rows;
  }

  static ParquetRecords open(Path file, java.util.Set<String> fields) {
    try {
      return new ParquetRecords(file, ParquetRows.open(file, fields));
    } catch (IOException e) {
      throw refusal(file, e);
    }
  }

  @Override
  public Chunk next() {
    if (done) {
      return null;
    }
    JsonObject next;
    try {
      next = rows.next();
    } catch (IOException e) {
      throw refusal(file, e);
    }
    if (next == null) {
      done = true;
      return row == 0 ? Chunk.fault(file, 1, "empty Parquet file, no rows") : null;
    }
    String invalid = rows.invalidTextColumn();
    if (invalid != null) {
      return Chunk.fault(file, ++row, "column '" + invalid.replaceAll("\\p{Cntrl}", "?") + "' holds bytes that are not valid UTF-8;"
          + " write the column as UTF-8 text");
    }
    return Chunk.object(++row, next);
  }

  private static UserError refusal(Path file, IOException e) {
    return new UserError(file + ": " + (e instanceof ParquetException ? "Parquet file: " + e.getMessage()
        : "cannot read the Parquet file (" + e.getMessage() + ")"));
  }

  @Override
  public void close() throws IOException {
    rows.close();
  }
}
