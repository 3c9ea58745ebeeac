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
      StopSignal signal = StopSignal.install(null);
      try {
        TrainingRun.Handle handle = TrainingRun.resume(resume, overrides, io.skillmix.node.ClusterPeers.FINDER);
        handle.notices().forEach(System.out::println);
        signal.running(handle);
      } catch (RuntimeException e) {
        signal.remove();
        throw e;
      }
      report(signal.await());
      return;
    }
    Config config = withRunDir(ConfigLoader.load(file, overrides));
    if (orders != 1) {
      io.skillmix.run.MultiOrderRun.Outcome multi = io.skillmix.run.MultiOrderRun.run(config, orders);
      System.out.printf("done: %d data orders in %s (orders.md, order-*/final/)%n", multi.orders().size(),
          multi.runDir());
      return;
    }
    // From here a signal stops the command cleanly, while the data loads too (issue 33 E10).
    StopSignal signal = StopSignal.install(Path.of(config.getString("run.dir")));
    // A large dataset takes a while to read and check: say what is happening meanwhile.
    System.out.println("preparing " + config.getString("run.dir") + ": reading the model and the data");
    System.out.flush();
    try {
      TrainingRun.Handle handle = TrainingRun.start(config, io.skillmix.run.ActorHooks.NONE,
          io.skillmix.node.ClusterPeers.FINDER);
      handle.notices().forEach(System.out::println); // the dev splits carved, before the first step
      signal.running(handle);
    } catch (RuntimeException e) {
      signal.remove();
      throw e;
    }
    report(signal.await());
  }

  /**
   * The config with run.dir chosen now when it is empty (runs/DATE-TIME), so that a stop during the
   * preparation knows which folder is the run's.
   */
  static Config withRunDir(Config config) {
    if (!config.getString("run.dir").isEmpty()) {
      return config;
    }
    String name = java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    return config.withValue("run.dir", com.typesafe.config.ConfigValueFactory.fromAnyRef(Path.of("runs", name).toString()));
  }

  /** Waits for the run; a SIGTERM or Ctrl-C meanwhile asks it to stop after the current step. */
  static TrainingRun.Outcome stopOnSignal(TrainingRun.Handle handle) {
    return stopOnSignal(handle, TrainCommand::resumeLine);
  }

  /** As above; {@code resumeLine} says how the stopped run goes on (a cluster run: on every node). */
  static TrainingRun.Outcome stopOnSignal(TrainingRun.Handle handle,
      java.util.function.Function<TrainingRun.Outcome, String> resumeLine) {
    StopSignal signal = StopSignal.install(null, resumeLine);
    signal.running(handle);
    return signal.await();
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
