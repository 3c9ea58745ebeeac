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
