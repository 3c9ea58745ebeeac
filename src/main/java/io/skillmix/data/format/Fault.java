package io.skillmix.data.format;

import java.nio.file.Path;

/** A record that could not be read, located where its text starts. Prints as {@code FILE:LINE: reason}. */
public record Fault(Path file, int line, String reason) implements Entry {

  /** The reason of a file with no record at all: no setting can skip past that. */
  static final String EMPTY_FILE = "empty file, no records";
  static final String EMPTY_ARRAY = "empty array, no records";

  /** Whether the whole file is the fault (leaving bad records out cannot help). */
  public boolean wholeFile() {
    return reason.equals(EMPTY_FILE) || reason.equals(EMPTY_ARRAY);
  }

  @Override
  public String toString() {
    return file + ":" + line + ": " + reason;
  }
}
