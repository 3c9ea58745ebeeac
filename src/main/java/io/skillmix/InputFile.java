package io.skillmix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A file a command reads whole (prompts, conversations, benchmark questions): a regular file of
 * bounded size, so that {@code /dev/zero}, a pipe that never ends or a huge file is refused in one
 * line instead of filling the heap. {@code data check} refuses devices the same way.
 */
public final class InputFile {

  /** 256 MiB: GSM8K's test split is 0.7 MB, MMLU's whole test set 7 MB. */
  public static final long MAX_BYTES = 256L << 20;

  private InputFile() {}

  /**
   * Checks {@code file} before it is read.
   *
   * @param option how the command names it, e.g. {@code --prompt-file}
   * @param what what it should be, e.g. "a text file, one prompt per line"
   */
  public static void require(Path file, String option, String what) {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new UserError(file + ": not found; " + option + " takes " + what);
    } catch (IOException e) {
      throw new UserError(file + ": cannot open (" + e.getMessage() + ")");
    }
    if (attributes.isDirectory()) {
      throw new UserError(file + ": a folder; " + option + " takes " + what);
    }
    if (!attributes.isRegularFile()) {
      throw new UserError(file + ": not a regular file (a device, pipe or socket); " + option + " takes " + what
          + ": save it to a file and give its path");
    }
    if (attributes.size() > MAX_BYTES) {
      throw new UserError(file + ": " + attributes.size() + " bytes is more than " + option + " reads (at most "
          + MAX_BYTES + ")");
    }
  }
}
