package io.skillmix.output;

import io.skillmix.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files of a run folder, named in one place, and how a new run takes a folder: an empty or
 * missing folder is used, an earlier run's folder is replaced whole with {@code run.overwrite},
 * anything else is refused.
 */
public final class RunFolder {

  public static final String CONFIG = "config.conf";
  public static final String METRICS = "metrics.jsonl";
  public static final String WEIGHTS = "weights.jsonl";
  public static final String REPORT = "report.md";
  public static final String FINAL = "final";
  public static final String CHECKPOINTS = "checkpoints";
  public static final String PLOTS = "plots";
  /** The evaluation of the final model that {@code compare} writes beside the run. */
  public static final String EVAL = "eval.json";
  public static final String LOCK = "run.lock";
  /** Name, size and SHA-256 of every dataset file the run reads, checked again on resume. */
  public static final String DATASETS = "datasets.json";

  private RunFolder() {}

  /** Whether {@code dir} holds files besides a lock left by an earlier process. */
  public static boolean holdsFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return Files.exists(dir);
    }
    try (var entries = Files.list(dir)) {
      return entries.anyMatch(p -> !p.getFileName().toString().equals(LOCK));
    } catch (IOException e) {
      throw new UserError(dir + ": cannot read (" + e.getMessage() + ")");
    }
  }

  /** Whether {@code dir} is the folder of a skillmix run (it has the run's config). */
  public static boolean isRun(Path dir) {
    return Files.isRegularFile(dir.resolve(CONFIG));
  }

  /**
   * Makes {@code dir} ready for a new run, under the {@code lock} the caller already holds: an
   * earlier run's files are deleted when {@code overwrite} (every one of them, so two runs never
   * mix); a folder that is not a run is never emptied.
   */
  public static void takeForNewRun(Path dir, boolean overwrite) {
    if (!holdsFiles(dir)) {
      return;
    }
    refuseUnlessTakeable(dir, overwrite);
    try (var entries = Files.list(dir)) {
      for (Path p : (Iterable<Path>) entries::iterator) {
        if (!p.getFileName().toString().equals(LOCK)) {
          AtomicFiles.deleteTree(p);
        }
      }
    } catch (IOException e) {
      throw new UserError(dir + ": cannot empty the old run folder (" + e.getMessage() + ")");
    }
  }

  /**
   * Refuses, in one line, a folder a new run may not take: one holding files, unless it is an
   * earlier run's and {@code overwrite} is set. Changes nothing (called before the lock is taken).
   */
  public static void refuseUnlessTakeable(Path dir, boolean overwrite) {
    if (!holdsFiles(dir)) {
      return;
    }
    if (!Files.isDirectory(dir)) {
      throw new UserError(dir + ": exists and is not a folder; set run.dir to a new folder");
    }
    if (!overwrite) {
      throw new UserError(dir + ": run folder exists; set run.dir to a new folder, or"
          + " run.overwrite = true to replace it");
    }
    if (!isRun(dir)) {
      throw new UserError(dir + ": not a skillmix run folder (no " + CONFIG + "), so run.overwrite"
          + " will not empty it; set run.dir to a new folder");
    }
  }
}
