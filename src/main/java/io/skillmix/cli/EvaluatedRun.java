package io.skillmix.cli;

import io.skillmix.UserError;
import io.skillmix.output.RunFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code skillmix eval --run RUN_DIR} evaluates: the run's final model, on the settings of the
 * run's own config.conf (its datasets, seed and dev fraction, so the dev splits are the ones it
 * carved; its chat template and system prompt), the user's key=value overrides on top.
 *
 * @param overrides the run's config file first, then the user's overrides
 */
record EvaluatedRun(Path model, List<String> overrides) {

  static EvaluatedRun of(Path run, List<String> userArgs) {
    Path config = run.resolve(RunFolder.CONFIG);
    if (!Files.isRegularFile(config)) {
      throw new UserError(run + ": not a run folder (no " + RunFolder.CONFIG + "); --run takes the folder of a training run");
    }
    Path model = run.resolve(RunFolder.FINAL);
    if (!Files.isRegularFile(model.resolve("config.json"))) {
      throw new UserError(run + ": has no final model (" + RunFolder.FINAL + "/: the run has not finished); finish it"
          + " with skillmix train --resume " + run + ", or evaluate a checkpoint's model/ with --model");
    }
    List<String> args = new ArrayList<>();
    args.add(config.toString());
    for (String a : userArgs) {
      if (!a.contains("=")) {
        throw new UserError("'" + a + "': with --run the run's " + RunFolder.CONFIG + " is the config; give key=value"
            + " overrides only");
      }
      args.add(a);
    }
    return new EvaluatedRun(model, args);
  }
}
