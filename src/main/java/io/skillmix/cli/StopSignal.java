package io.skillmix.cli;

import io.skillmix.output.AtomicFiles;
import io.skillmix.output.RunFolder;
import io.skillmix.run.TrainingRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What Ctrl-C or SIGTERM does to {@code skillmix train}, from the moment the command starts. While
 * the run is prepared (a large dataset loading) nothing is trained yet: the stop says so, removes a
 * run folder this command created and that holds no checkpoint (a folder with only config.conf
 * could neither be resumed nor reused as run.dir), and exits 0. Once the run is going it finishes
 * the current step, writes a checkpoint and prints the line that resumes it, or, when the signal
 * came as the run was finishing (its last step, final/), the run's own closing lines; exit 0
 * either way. The JVM is shutting down by then, so the hook ends it itself.
 */
final class StopSignal {

  private final Path runDir;
  private final java.util.function.Function<TrainingRun.Outcome, String> resumeLine;
  private final boolean runDirWasEmpty;
  private final Thread hook;
  private TrainingRun.Handle handle;
  private boolean signalled;

  /** @param runDir the folder a new run will take, or null (a resume, or several orders: nothing to remove) */
  private StopSignal(Path runDir, java.util.function.Function<TrainingRun.Outcome, String> resumeLine) {
    this.runDir = runDir;
    this.resumeLine = resumeLine;
    this.runDirWasEmpty = runDir != null && !holdsFiles(runDir);
    this.hook = new Thread(this::onSignal, "skillmix-stop");
  }

  static StopSignal install(Path runDir) {
    return install(runDir, TrainCommand::resumeLine);
  }

  /** As above; {@code resumeLine} says how a stopped run goes on (a cluster run resumes on every node). */
  static StopSignal install(Path runDir, java.util.function.Function<TrainingRun.Outcome, String> resumeLine) {
    StopSignal signal = new StopSignal(runDir, resumeLine);
    Runtime.getRuntime().addShutdownHook(signal.hook);
    return signal;
  }

  /** The run started: a signal from now on stops it at a step boundary. */
  synchronized void running(TrainingRun.Handle started) {
    handle = started;
  }

  /**
   * Waits for the run. Returns its outcome, or null when a signal stopped it (the hook reports and
   * ends the JVM).
   */
  TrainingRun.Outcome await() {
    TrainingRun.Outcome outcome;
    try {
      outcome = handle.await();
    } catch (RuntimeException e) {
      if (signalledNow()) {
        parkForever(); // the hook reports the failure and ends the JVM
      }
      throw e;
    } finally {
      remove();
    }
    return signalledNow() ? null : outcome;
  }

  /** The command ends without a run (an error before it started): the hook is not needed any more. */
  void remove() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running: it reports and ends the JVM.
    }
  }

  private synchronized boolean signalledNow() {
    return signalled;
  }

  private void onSignal() {
    TrainingRun.Handle running;
    synchronized (this) {
      signalled = true;
      running = handle;
      if (running == null) {
        System.out.println(stoppedBeforeStart());
        System.out.flush();
        Runtime.getRuntime().halt(0);
      }
    }
    running.requestStop();
    int code = 0;
    try {
      TrainingRun.Outcome outcome = running.await();
      if (outcome.stopped()) {
        System.out.println(resumeLine.apply(outcome));
      } else {
        TrainCommand.report(outcome, resumeLine); // the stop came as the run finished: it is complete
      }
    } catch (RuntimeException e) {
      System.err.println("skillmix: error while stopping: " + e.getMessage());
      code = 1;
    }
    System.out.flush();
    System.err.flush();
    Runtime.getRuntime().halt(code);
  }

  /** The line of a stop before the first step, after removing what this command created. */
  private String stoppedBeforeStart() {
    String line = "stopped before the first step: nothing was trained";
    if (runDir == null || !runDirWasEmpty || !Files.isDirectory(runDir)
        || Files.isDirectory(runDir.resolve("checkpoints"))) {
      return line;
    }
    try {
      try (var entries = Files.list(runDir)) {
        for (Path p : entries.toList()) {
          AtomicFiles.deleteTree(p);
        }
      }
      Files.deleteIfExists(runDir);
      return line + "; removed " + runDir + " (it held only the run's " + RunFolder.CONFIG + ")";
    } catch (IOException e) {
      return line + "; " + runDir + " holds only the run's config: remove it, or pass run.overwrite=true to reuse it";
    }
  }

  private static boolean holdsFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (var entries = Files.list(dir)) {
      return entries.findAny().isPresent();
    } catch (IOException e) {
      return true; // unknown: never remove it
    }
  }

  private static void parkForever() {
    while (true) {
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
