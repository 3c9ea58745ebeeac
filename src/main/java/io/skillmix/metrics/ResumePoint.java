package io.skillmix.metrics;

import io.skillmix.UserError;
import io.skillmix.output.RunFolder;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * How far {@code metrics.jsonl} and {@code weights.jsonl} had been written when a checkpoint was
 * taken (flushed bytes). A resumed run cuts both files back to these lengths before appending, so
 * records past the checkpoint (written before a crash or stop) are dropped and the files read as
 * one run.
 */
public record ResumePoint(long metricsBytes, long weightsBytes) {

  public void trim(Path runDir) {
    cut(runDir.resolve(RunFolder.METRICS), metricsBytes);
    cut(runDir.resolve(RunFolder.WEIGHTS), weightsBytes);
  }

  private static void cut(Path file, long length) {
    try {
      long size = Files.exists(file) ? Files.size(file) : 0;
      if (size < length) {
        throw new UserError(file + ": shorter (" + size + " bytes) than at the checkpoint (" + length
            + "): it was edited; put the original back, or delete it to resume without its earlier records");
      }
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
        channel.truncate(length);
        channel.force(true);
      }
    } catch (IOException e) {
      throw new UserError(file + ": cannot trim to the checkpoint (" + e.getMessage() + ")");
    }
  }
}
