package io.skillmix.output;

import io.skillmix.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An output folder built under a hidden temporary name beside its target, marked as the output of
 * its command, and renamed into place when complete: a crash or an error never leaves a
 * half-written folder under the target's name, nor the previous output half-deleted.
 */
public final class StagedFolder implements AutoCloseable {

  private final Path target;
  private final Path staging;
  private boolean committed;

  private StagedFolder(Path target, Path staging) {
    this.target = target;
    this.staging = staging;
  }

  /**
   * Starts an output of {@code command} at {@code target}, a path {@link OutputGuard#checkFolder}
   * returned.
   */
  public static StagedFolder create(Path target, String command) {
    Path absolute = target.toAbsolutePath().normalize();
    Path staging = absolute.resolveSibling("." + absolute.getFileName() + "." + hex() + ".tmp");
    try {
      Files.createDirectories(absolute.getParent());
      Files.createDirectory(staging);
      OutputMarker.write(staging, command);
    } catch (IOException e) {
      throw new UserError(target + ": cannot create the output folder (" + e.getMessage() + ")");
    }
    return new StagedFolder(absolute, staging);
  }

  /** Where the files are written until {@link #commit}. */
  public Path path() {
    return staging;
  }

  /**
   * Swaps the finished folder in for the target: the old one is renamed aside, the new one renamed
   * in, then the old one deleted. If the second rename fails the old one is renamed back.
   */
  public void commit() {
    Path old = null;
    try {
      if (Files.exists(target)) {
        old = target.resolveSibling("." + target.getFileName() + "." + hex() + ".old");
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
      }
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      committed = true;
    } catch (IOException e) {
      String restored = old == null ? "" : restoreOld(old);
      throw new UserError(target + ": cannot move the new output into place (" + e.getMessage() + ")" + restored);
    }
    if (old != null) {
      try {
        AtomicFiles.deleteTree(old);
      } catch (IOException e) {
        throw new UserError(target + ": written, but the previous output could not be removed from " + old
            + " (" + e.getMessage() + "); delete it yourself");
      }
    }
  }

  private String restoreOld(Path old) {
    try {
      Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
      return "; the previous output is kept";
    } catch (IOException e) {
      return "; the previous output is in " + old;
    }
  }

  /** Removes the staging folder unless it was committed. */
  @Override
  public void close() {
    if (!committed) {
      try {
        AtomicFiles.deleteTree(staging);
      } catch (IOException ignored) {
        // already failing: that error is the one to report
      }
    }
  }

  private static String hex() {
    return Long.toHexString(ThreadLocalRandom.current().nextLong());
  }
}
