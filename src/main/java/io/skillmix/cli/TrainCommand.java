package io.skillmix.cli;

import com.typesafe.config.Config;
import io.skillmix.config.ConfigLoader;
import io.skillmix.run.TrainingRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code skillmix train [CONFIG.conf] [key=value ...]}. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train on a mixture of datasets (defaults: the tiny preset on the built-in skill mix).")
public final class TrainCommand implements Runnable {

  @picocli.CommandLine.Option(names = "--orders", paramLabel = "K", defaultValue = "1",
      description = "Train K models from the same start, each with its own data order (data.order-seed"
          + " = seed + 0..K-1), into RUN/order-1 .. order-K, for `skillmix merge`.")
  int orders = 1;

  @Parameters(paramLabel = "[CONFIG.conf] [key=value...]",
      description = "An optional HOCON file, then key=value overrides.")
  List<String> args = new ArrayList<>();

  @Override
  public void run() {
    Path file = null;
    List<String> overrides = new ArrayList<>();
    for (String a : args) {
      if (a.contains("=")) {
        overrides.add(a);
      } else if (file == null) {
        file = Path.of(a);
      } else {
        throw new io.skillmix.UserError(
            "unexpected argument '" + a + "': give one config file, then key=value overrides");
      }
    }
    Config config = ConfigLoader.load(file, overrides);
    if (orders != 1) {
      io.skillmix.run.MultiOrderRun.Outcome multi = io.skillmix.run.MultiOrderRun.run(config, orders);
      System.out.printf("done: %d data orders in %s (orders.md, order-*/final/)%n", multi.orders().size(),
          multi.runDir());
      return;
    }
    TrainingRun.Outcome outcome = TrainingRun.run(config);
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
