package io.skillmix.data.format;

import java.nio.file.Path;

/** A record that could not be read, located where its text starts. Prints as {@code FILE:LINE: reason}. */
public record Fault(Path file, int line, String reason) implements Entry {

  @Override
  public String toString() {
    return file + ":" + line + ": " + reason;
  }
}
