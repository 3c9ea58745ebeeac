package io.skillmix.cli;

import io.skillmix.UserError;
import io.skillmix.export.MixtureExport;
import io.skillmix.export.MixtureFormat;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code skillmix mixture export}: a run's learned mixture in the terms of another trainer. */
@Command(name = "mixture", mixinStandardHelpOptions = true,
    description = "Take a run's learned mixture elsewhere.",
    subcommands = {MixtureCommand.Export.class})
public final class MixtureCommand implements Runnable {

  @Override
  public void run() {
    throw new UserError("mixture needs a subcommand: export (see skillmix mixture --help)");
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = {"Write a run's mixture for another trainer: its probabilities by dataset with the files the run"
          + " read (built-in sets: the files generated in the data cache).",
          "Formats: json; llamafactory (YAML keys dataset, mix_strategy, interleave_probs, and dataset_info.json"
              + " entries: with --out FILE, dataset_info.json is written beside FILE); axolotl (datasets: with each"
              + " one's weight, the fraction of it kept); hf-datasets (a Python file calling interleave_datasets);"
              + " schedule (CSV: step, fraction, version, one column per dataset).",
          "Probabilities are printed with 6 decimals, apportioned by largest remainder so they sum to exactly 1."})
  static final class Export implements Runnable {

    @Spec CommandSpec spec;

    @Parameters(paramLabel = "RUN_DIR",
        description = "A run folder: train's run.dir, or one arm and seed of compare (OUT/ARM/seed-K).")
    Path runDir;

    @Option(names = "--to", required = true, paramLabel = "FORMAT",
        description = "json, llamafactory, axolotl, hf-datasets or schedule.")
    String to;

    @Option(names = "--at", paramLabel = "final|average|STEP",
        description = {"Which probabilities (not for schedule): final (default: those in effect at the end);",
            "average: the draw-weighted mean of the schedule, what the run actually sampled: Σ_k n_k·p_k / Σ_k n_k"
                + " over its sets of probabilities p_k, n_k the examples drawn (metrics.jsonl train lines) while"
                + " p_k was in effect;",
            "STEP: those in effect at that training step (0-based)."})
    String at;

    @Option(names = "--out", paramLabel = "FILE", description = "Write here instead of printing.")
    Path out;

    @Option(names = "--overwrite", description = "Replace --out (and, for llamafactory, its dataset_info.json).")
    boolean overwrite;

    @Override
    public void run() {
      List<MixtureFormat.ExportFile> files = MixtureExport.export(runDir, to, at, out, overwrite);
      PrintWriter o = spec.commandLine().getOut();
      for (MixtureFormat.ExportFile f : files) {
        if (f.path() == null) {
          o.print(f.text());
        } else {
          o.println("wrote " + f.path());
        }
      }
      o.flush();
    }
  }
}
