package io.skillmix.merge;

import io.skillmix.UserError;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An output folder built under a hidden temporary name beside its target and renamed into place
 * when complete, so a crash or an error never leaves a half-written model under the target's name.
 */
final class StagedFolder implements AutoCloseable {

  private final Path target;
  private final Path staging;
  private boolean committed;

  private StagedFolder(Path target, Path staging) {
    this.target = target;
    this.staging = staging;
  }

  static StagedFolder create(Path target) {
    Path absolute = target.toAbsolutePath().normalize();
    Path staging = absolute.resolveSibling("." + absolute.getFileName() + "." + hex() + ".tmp");
    try {
      Files.createDirectories(absolute.getParent());
      Files.createDirectory(staging);
    } catch (IOException e) {
      throw new UserError(target + ": cannot create the output folder (" + e.getMessage() + ")");
    }
    return new StagedFolder(absolute, staging);
  }

  /** Where the files are written until {@link #commit}. */
  Path path() {
    return staging;
  }

  /** Moves the finished folder to the target, replacing what is there (the caller has checked it may). */
  void commit() {
    try {
      Path old = null;
      if (Files.exists(target)) {
        old = target.resolveSibling("." + target.getFileName() + "." + hex() + ".old");
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
      }
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      committed = true;
      if (old != null) {
        deleteTree(old);
      }
    } catch (IOException e) {
      throw new UserError(target + ": cannot move the merged model into place (" + e.getMessage()
          + "); it is left in " + staging);
    }
  }

  /** Removes the staging folder unless it was committed. */
  @Override
  public void close() {
    if (!committed) {
      try {
        deleteTree(staging);
      } catch (IOException ignored) {
        // already failing: that error is the one to report
      }
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        if (e != null) {
          throw e;
        }
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private static String hex() {
    return Long.toHexString(ThreadLocalRandom.current().nextLong());
  }
}
