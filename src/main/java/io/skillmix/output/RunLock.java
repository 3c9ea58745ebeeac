package io.skillmix.output;

import io.skillmix.UserError;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a run folder ({@code run.lock}), held while a run trains in it, so that two
 * processes (a second {@code train --resume}, say) never append to the same files. The operating
 * system releases it when the process dies, so a crash never leaves a folder locked.
 */
public final class RunLock implements AutoCloseable {

  private final FileChannel channel;
  private final FileLock lock;

  private RunLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Locks {@code runDir} (created if needed) or refuses in one line when another run holds it. */
  public static RunLock acquire(Path runDir) {
    Path file = runDir.resolve(RunFolder.LOCK);
    FileChannel channel = null;
    try {
      Files.createDirectories(runDir);
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException sameJvm) {
        lock = null;
      }
      if (lock == null) {
        String holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
        channel.close();
        throw new UserError(runDir + ": in use by another skillmix run" + (holder.isEmpty() ? "" : " (" + holder + ")")
            + "; wait for it to end or stop it first (Ctrl-C or SIGTERM writes a checkpoint)");
      }
      channel.truncate(0);
      channel.write(java.nio.ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n")
          .getBytes(StandardCharsets.UTF_8)));
      channel.force(true);
      return new RunLock(channel, lock);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UserError(runDir + ": cannot lock the run folder (" + e.getMessage() + ")");
    }
  }

  /** Releases the lock; the file stays (removing it would race with a process locking it). */
  @Override
  public synchronized void close() {
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } catch (IOException ignored) {
      // the channel's close releases it too
    }
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing to release
      }
    }
  }
}
