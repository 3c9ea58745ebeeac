package io.skillmix.data.format.parquet;

import java.io.IOException;

/** A Parquet file this reader cannot read: damaged, or using a feature it does not implement. */
public final class ParquetException extends IOException {

  /** Control characters (a damaged field name may hold newlines) print as '?': the message stays one line. */
  ParquetException(String message) {
    super(message.replaceAll("\\p{Cntrl}", "?"));
  }
}
