package io.skillmix.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Writes that a crash cannot leave half done: the new content goes to a temporary sibling, is
 * fsynced, and takes the target's name in one rename. A reader sees the old file or the new one.
 */
public final class AtomicFiles {

  /** Writes a file or a folder at a temporary path; the path does not exist yet. */
  @FunctionalInterface
  public interface Writer {
    void write(Path temporary) throws IOException;
  }

  private AtomicFiles() {}

  /** Replaces {@code file} with {@code text} (UTF-8) atomically. */
  public static void writeString(Path file, String text) {
    writeFile(file, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
  }

  /** Replaces {@code file} with what {@code writer} writes to a temporary sibling. */
  public static void writeFile(Path file, Writer writer) {
    Path tmp = temporarySibling(file);
    try {
      writer.write(tmp);
      fsync(tmp);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      fsyncParent(file);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new UncheckedIOException(file + ": cannot write (" + e.getMessage() + ")", e);
    } catch (RuntimeException e) {
      deleteQuietly(tmp);
      throw e;
    }
  }

  /**
   * Writes a whole folder: {@code writer} fills a temporary sibling folder, every file is fsynced,
   * and it is renamed to {@code folder}. An existing {@code folder} is replaced only after the new
   * one is complete (moved aside, then deleted), so a crash leaves the old folder or the new one.
   */
  public static void writeFolder(Path folder, Writer writer) {
    Path tmp = temporarySibling(folder);
    try {
      Files.createDirectories(tmp);
      writer.write(tmp);
      try (var files = Files.walk(tmp)) {
        for (Path p : (Iterable<Path>) files::iterator) {
          if (Files.isRegularFile(p)) {
            fsync(p);
          }
        }
      }
      Path old = null;
      if (Files.exists(folder)) {
        old = temporarySibling(folder);
        Files.move(folder, old, StandardCopyOption.ATOMIC_MOVE);
      }
      Files.move(tmp, folder, StandardCopyOption.ATOMIC_MOVE);
      fsyncParent(folder);
      if (old != null) {
        deleteTree(old);
      }
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new UncheckedIOException(folder + ": cannot write (" + e.getMessage() + ")", e);
    } catch (RuntimeException e) {
      deleteQuietly(tmp);
      throw e;
    }
  }

  /**
   * Removes what a killed process left of an atomic write of {@code target}: its temporary siblings
   * ({@code .NAME.tmp-PID-...}, a model-sized folder for final/) from any process but this one. The
   * caller holds the folder's lock, so no live writer owns them.
   *
   * @return how many were removed
   */
  public static int deleteLeftovers(Path target) {
    Path name = target.toAbsolutePath().normalize();
    Path parent = name.getParent();
    String prefix = "." + name.getFileName() + ".tmp-";
    String mine = prefix + ProcessHandle.current().pid() + "-";
    if (parent == null || !Files.isDirectory(parent)) {
      return 0;
    }
    int removed = 0;
    try (var list = Files.list(parent)) {
      for (Path p : list.toList()) {
        String file = p.getFileName().toString();
        if (file.startsWith(prefix) && !file.startsWith(mine)) {
          deleteTree(p);
          removed++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(parent + ": cannot remove an unfinished write (" + e.getMessage() + ")", e);
    }
    return removed;
  }

  /** Deletes a file or a folder with everything in it; nothing when it does not exist. */
  public static void deleteTree(Path path) throws IOException {
    if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(path, new SimpleFileVisitor<>() {
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

  private static Path temporarySibling(Path target) {
    Path name = target.toAbsolutePath().normalize();
    return name.resolveSibling("." + name.getFileName() + ".tmp-" + ProcessHandle.current().pid()
        + "-" + Long.toHexString(System.nanoTime()));
  }

  private static void deleteQuietly(Path path) {
    try {
      deleteTree(path);
    } catch (IOException ignored) {
      // best effort: a temporary file is all that is left
    }
  }

  /** Forces a file's or a folder's content (a folder's entries) to the disk. */
  public static void fsync(Path path) throws IOException {
    boolean directory = Files.isDirectory(path);
    try (FileChannel channel = FileChannel.open(path,
        directory ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
      channel.force(true);
    }
  }

  private static void fsyncParent(Path file) {
    try {
      fsync(file.toAbsolutePath().getParent());
    } catch (IOException ignored) {
      // some file systems cannot fsync a directory; the rename itself is atomic
    }
  }
}
