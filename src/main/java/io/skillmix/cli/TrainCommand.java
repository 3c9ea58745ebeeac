package io.skillmix.cli;

import com.typesafe.config.Config;
import io.skillmix.config.ConfigLoader;
import io.skillmix.run.TrainingRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code skillmix train [CONFIG.conf] [key=value ...]} and {@code skillmix train --resume RUN_DIR
 * [key=value ...]}. Ctrl-C or SIGTERM finishes the current step, writes a checkpoint and exits 0
 * with the command that resumes.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train on a mixture of datasets (defaults: the tiny preset on the built-in skill mix).")
public final class TrainCommand implements Runnable {

  @picocli.CommandLine.Option(names = "--orders", paramLabel = "K", defaultValue = "1",
      description = "Train K models from the same start, each with its own data order (data.order-seed"
          + " = seed + 0..K-1), into RUN/order-1 .. order-K, for `skillmix merge`.")
  int orders = 1;

  @picocli.CommandLine.Option(names = "--resume", paramLabel = "RUN_DIR",
      description = "Continue the run in RUN_DIR from its newest complete checkpoint (its config.conf,"
          + " then key=value overrides); metrics.jsonl and weights.jsonl go on from the checkpoint.")
  Path resume;

  @Parameters(paramLabel = "[CONFIG.conf] [key=value...]",
      description = "An optional HOCON file, then key=value overrides.")
  List<String> args = new ArrayList<>();

  @Override
  public void run() {
    ConfigArgs parsed = ConfigArgs.parse(args, "config file");
    Path file = parsed.file();
    List<String> overrides = parsed.overrides();
    if (resume != null) {
      if (file != null || orders != 1) {
        throw new io.skillmix.UserError("--resume takes the run folder and key=value overrides only"
            + " (its config.conf is the config; --orders cannot be resumed)");
      }
      TrainingRun.Handle handle = TrainingRun.resume(resume, overrides, io.skillmix.node.ClusterPeers.FINDER);
      handle.notices().forEach(System.out::println);
      report(stopOnSignal(handle));
      return;
    }
    Config config = ConfigLoader.load(file, overrides);
    if (orders != 1) {
      io.skillmix.run.MultiOrderRun.Outcome multi = io.skillmix.run.MultiOrderRun.run(config, orders);
      System.out.printf("done: %d data orders in %s (orders.md, order-*/final/)%n", multi.orders().size(),
          multi.runDir());
      return;
    }
    TrainingRun.Handle handle = TrainingRun.start(config, io.skillmix.run.ActorHooks.NONE,
        io.skillmix.node.ClusterPeers.FINDER);
    handle.notices().forEach(System.out::println); // the dev splits carved, before the first step
    report(stopOnSignal(handle));
  }

  /**
   * Waits for the run; a SIGTERM or Ctrl-C meanwhile asks it to stop after the current step. The
   * hook prints how to resume and halts once the checkpoint is durable (the JVM is shutting down,
   * so the main thread cannot exit by itself any more).
   */
  static TrainingRun.Outcome stopOnSignal(TrainingRun.Handle handle) {
    return stopOnSignal(handle, TrainCommand::resumeLine);
  }

  /** As above; {@code resumeLine} says how the stopped run goes on. */
  static TrainingRun.Outcome stopOnSignal(TrainingRun.Handle handle,
      java.util.function.Function<TrainingRun.Outcome, String> resumeLine) {
    java.util.concurrent.atomic.AtomicBoolean signalled = new java.util.concurrent.atomic.AtomicBoolean();
    Thread hook = new Thread(() -> {
      signalled.set(true);
      handle.requestStop();
      int code = 0;
      try {
        TrainingRun.Outcome outcome = handle.await();
        System.out.println(resumeLine.apply(outcome));
      } catch (RuntimeException e) {
        System.err.println("error while stopping: " + e.getMessage());
        code = 1;
      }
      System.out.flush();
      Runtime.getRuntime().halt(code);
    }, "skillmix-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    TrainingRun.Outcome outcome;
    try {
      outcome = handle.await();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running: it reports and ends the JVM.
      }
    }
    if (signalled.get()) {
      return null;
    }
    return outcome;
  }

  static String resumeLine(TrainingRun.Outcome outcome) {
    return "stopped at step " + outcome.steps() + "; resume with: scripts/skillmix train --resume "
        + outcome.runDir();
  }

  static void report(TrainingRun.Outcome outcome) {
    report(outcome, TrainCommand::resumeLine);
  }

  static void report(TrainingRun.Outcome outcome, java.util.function.Function<TrainingRun.Outcome, String> resumeLine) {
    if (outcome == null) {
      return; // stopped by a signal: the shutdown hook reports
    }
    if (outcome.stopped()) {
      System.out.println(resumeLine.apply(outcome));
      return;
    }
    StringBuilder probs = new StringBuilder();
    for (int i = 0; i < outcome.datasets().size(); i++) {
      probs.append(String.format(java.util.Locale.ROOT, " %s=%.3f", outcome.datasets().get(i),
          outcome.probabilities()[i]));
    }
    System.out.printf(java.util.Locale.ROOT, "done: %d steps; final probabilities%s%n", outcome.steps(), probs);
    System.out.printf("run folder: %s (report.md, metrics.jsonl, weights.jsonl, plots/, final/)%n",
        outcome.runDir());
  }
}
