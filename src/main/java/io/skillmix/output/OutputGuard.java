package io.skillmix.output;

import io.skillmix.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Where a command may write its output. Never onto an input, around one or inside one (paths
 * compared where their links lead), never over anything without {@code --overwrite}, and for a
 * folder only over an earlier output of the same command (its {@link OutputMarker}).
 */
public final class OutputGuard {

  private final String command;
  private final String option;
  private final List<Path> inputs;
  private final Path workingDir;
  private final boolean inPlace;

  private OutputGuard(String command, String option, List<Path> inputs, Path workingDir, boolean inPlace) {
    this.command = command;
    this.option = option;
    this.inputs = inputs;
    this.workingDir = workingDir;
    this.inPlace = inPlace;
  }

  /**
   * @param command the command as the user types it after {@code skillmix}, e.g. {@code "merge"}
   * @param option how the output is given, for messages: {@code "--out"} or {@code "OUT"}
   * @param inputs every file and folder the command reads; missing ones are skipped (the command
   *     reports them)
   */
  public static OutputGuard of(String command, String option, Collection<Path> inputs) {
    return new OutputGuard(command, option, List.copyOf(inputs), Path.of("").toAbsolutePath(), false);
  }

  /** As {@link #of}, with the current folder given (tests). */
  static OutputGuard of(String command, String option, Collection<Path> inputs, Path workingDir) {
    return new OutputGuard(command, option, List.copyOf(inputs), workingDir, false);
  }

  /**
   * For a folder output written into the folder itself rather than built beside it and swapped
   * in ({@link StagedFolder}): an empty current folder may then be the output.
   */
  public OutputGuard inPlace() {
    return new OutputGuard(command, option, inputs, workingDir, true);
  }

  /**
   * Checks a folder output and returns the real path to write it to (a link to a folder is
   * followed, so the link keeps pointing at the new output).
   */
  public Path checkFolder(Path out, boolean overwrite) {
    Path target = real(out);
    checkInputs(out, target);
    if (Files.exists(target) && !Files.isDirectory(target)) {
      throw new UserError(out + ": exists and is not a folder; choose another " + option);
    }
    boolean holdsFiles = Files.isDirectory(target) && holdsFiles(target);
    if (isWithin(real(workingDir), target) && (holdsFiles || !inPlace)) {
      throw new UserError(option + " " + out + " is the current folder or holds it; write the output to a folder elsewhere");
    }
    if (!holdsFiles) {
      return target;
    }
    if (!overwrite) {
      throw new UserError(out + ": exists and is not empty; choose another " + option + " or pass --overwrite");
    }
    if (!OutputMarker.marks(target, command)) {
      String other = OutputMarker.command(target);
      throw new UserError(out + ": not an earlier output of skillmix " + command + " ("
          + (other == null ? "it has no " + OutputMarker.FILE : "its " + OutputMarker.FILE + " says " + other)
          + "), so --overwrite leaves it alone; choose another " + option + " or remove it yourself");
    }
    return target;
  }

  /** Checks a single-file output (replaced atomically by its writer) and returns its real path. */
  public Path checkFile(Path out, boolean overwrite) {
    Path target = real(out);
    if (Files.isDirectory(target)) {
      throw new UserError(option + " " + out + " is a folder; give a file name");
    }
    checkInputs(out, target);
    if (Files.exists(target) && !overwrite) {
      throw new UserError(out + ": exists; choose another " + option + " or pass --overwrite");
    }
    return target;
  }

  private void checkInputs(Path out, Path target) {
    if (Files.isSymbolicLink(target) && !Files.exists(target)) {
      throw new UserError(out + ": a link to nothing; choose another " + option);
    }
    for (Path input : inputs) {
      if (!Files.exists(input)) {
        continue;
      }
      Path source = real(input);
      if (source.equals(target) || sameFile(source, target)) {
        throw new UserError(option + " " + out + " is the input " + input + "; write the output to a new "
            + (Files.isDirectory(source) ? "folder" : "file"));
      }
      if (isWithin(source, target)) {
        throw new UserError(option + " " + out + " holds the input " + input
            + "; write the output to a folder that holds no input");
      }
      if (isWithin(target, source)) {
        throw new UserError(option + " " + out + " lies inside the input " + input + "; write the output outside it");
      }
    }
  }

  /** Whether {@code path} is {@code folder} or lies below it. */
  private static boolean isWithin(Path path, Path folder) {
    return path.startsWith(folder);
  }

  /** Hard links name one file by two paths. */
  private static boolean sameFile(Path a, Path b) {
    try {
      return Files.exists(b) && Files.isSameFile(a, b);
    } catch (IOException e) {
      throw new UserError(b + ": cannot read (" + e.getMessage() + ")");
    }
  }

  /**
   * The absolute path with every link resolved: the longest existing prefix through
   * {@link Path#toRealPath}, the rest appended (a path that does not exist yet).
   */
  static Path real(Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    Path existing = absolute;
    List<Path> rest = new ArrayList<>();
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      rest.add(0, existing.getFileName());
      existing = existing.getParent();
    }
    if (existing == null) {
      return absolute;
    }
    try {
      Path resolved = Files.exists(existing) ? existing.toRealPath() : existing.getParent().toRealPath()
          .resolve(existing.getFileName()); // a dangling link: kept as a link, reported by the caller
      for (Path name : rest) {
        resolved = resolved.resolve(name);
      }
      return resolved;
    } catch (IOException e) {
      throw new UserError(path + ": cannot resolve (" + e.getMessage() + ")");
    }
  }

  private static boolean holdsFiles(Path folder) {
    try (var entries = Files.list(folder)) {
      return entries.findAny().isPresent();
    } catch (IOException e) {
      throw new UserError(folder + ": cannot read (" + e.getMessage() + ")");
    }
  }
}
