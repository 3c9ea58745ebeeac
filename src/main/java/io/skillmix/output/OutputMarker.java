package io.skillmix.output;

import io.skillmix.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The small file each output folder carries, naming the command that wrote it
 * ({@code skillmix merge}). {@code --overwrite} replaces only a folder whose marker names the same
 * command, so it can never delete a folder of the user's.
 */
public final class OutputMarker {

  /** The marker's name inside an output folder. */
  public static final String FILE = ".skillmix-output";

  private OutputMarker() {}

  /** Marks {@code folder} as an output of {@code command} (e.g. {@code "merge"}). */
  public static void write(Path folder, String command) throws IOException {
    Files.writeString(folder.resolve(FILE), text(command), StandardCharsets.UTF_8);
  }

  /** Whether {@code folder} holds a marker naming {@code command}; a linked marker does not count. */
  public static boolean marks(Path folder, String command) {
    Path file = folder.resolve(FILE);
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try {
      return Files.size(file) < 1024 && Files.readString(file, StandardCharsets.UTF_8).equals(text(command));
    } catch (IOException e) {
      throw new UserError(file + ": cannot read (" + e.getMessage() + ")");
    }
  }

  /** The command the marker of {@code folder} names ({@code "skillmix model init"}), or null when it has none. */
  public static String command(Path folder) {
    Path file = folder.resolve(FILE);
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) >= 1024) {
        return null;
      }
      String text = Files.readString(file, StandardCharsets.UTF_8).strip();
      return text.startsWith("skillmix ") && text.lines().count() == 1 ? text : null;
    } catch (IOException | java.io.UncheckedIOException e) {
      return null;
    }
  }

  private static String text(String command) {
    return "skillmix " + command + "\n";
  }
}
