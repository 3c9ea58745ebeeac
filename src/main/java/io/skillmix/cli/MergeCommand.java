package io.skillmix.cli;

import io.skillmix.merge.MergeMethod;
import io.skillmix.merge.MergeRequest;
import io.skillmix.merge.ModelMerger;
import io.skillmix.output.ConsoleBar;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code skillmix merge}: merge fine-tunes of one model (average, parameter selection) into a new folder. */
@Command(name = "merge", mixinStandardHelpOptions = true,
    description = "Merge models fine-tuned from one start (e.g. by `train --orders K`) into one Hugging Face folder.")
public final class MergeCommand implements Runnable {

  @Spec CommandSpec spec;

  @Option(names = "--method", required = true, paramLabel = "METHOD",
      description = "average (Σ w_k θ_k), select (each scalar from one input drawn by weight) or"
          + " select-resample (select, redrawing scalars the drawn input left at the base's value).")
  String method;

  @Option(names = "--inputs", required = true, arity = "1..*", paramLabel = "DIR",
      description = "The fine-tuned model folders (at least two).")
  List<Path> inputs;

  @Option(names = "--base", paramLabel = "DIR",
      description = "The model the inputs started from: required by select-resample, checked and recorded otherwise.")
  Path base;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "The merged model folder to write.")
  Path out;

  @Option(names = "--weights", split = ",", paramLabel = "W",
      description = "One non-negative weight per input, normalised to sum to 1 (default: uniform).")
  double[] weights;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the selection draws (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--overwrite",
      description = "Replace --out if an earlier merge wrote it (never an input, nor a folder holding one).")
  boolean overwrite;

  @Option(names = "--no-progress", description = "Do not draw a progress bar (none is drawn outside a terminal).")
  boolean noProgress;

  @Override
  public void run() {
    MergeMethod m = MergeMethod.parse(method);
    MergeRequest request = new MergeRequest(m, inputs, base, weights, seed, out, overwrite);
    ModelMerger.Result result;
    try (BarProgress progress = new BarProgress(!noProgress)) {
      result = ModelMerger.merge(request, spec.root().version()[0], progress);
    }
    PrintWriter printer = spec.commandLine().getOut();
    StringBuilder w = new StringBuilder();
    for (double x : result.weights()) {
      w.append(w.length() == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.4f", x));
    }
    printer.printf(Locale.ROOT, "merged %d models (%s, weights %s): %d tensors, %,d parameters -> %s%n",
        inputs.size(), m.cliName(), w, result.tensors(), result.parameters(), result.out());
    printer.flush();
  }

  /** A console bar over tensors, opened when the merge knows how many there are (on a terminal only). */
  private static final class BarProgress implements ModelMerger.Progress, AutoCloseable {

    private final boolean enabled;
    private ProgressBar bar;

    BarProgress(boolean enabled) {
      this.enabled = enabled;
    }

    @Override
    public void started(int tensors) {
      bar = ConsoleBar.openOrNull(enabled, "merge", tensors);
    }

    @Override
    public void merged(String tensor) {
      if (bar != null) {
        bar.step();
        bar.setExtraMessage(tensor);
      }
    }

    @Override
    public void close() {
      if (bar != null) {
        bar.close();
      }
    }
  }
}
