package io.skillmix.cli;

import ai.djl.Device;
import com.google.gson.GsonBuilder;
import io.skillmix.UserError;
import io.skillmix.config.ConfigLoader;
import io.skillmix.data.Conversation;
import io.skillmix.data.format.DatasetFormat;
import io.skillmix.data.format.DatasetReader;
import io.skillmix.data.format.DatasetWriter;
import io.skillmix.data.format.OnError;
import io.skillmix.data.tokenizer.ChatTemplate;
import io.skillmix.data.tokenizer.ExampleEncoder;
import io.skillmix.data.tokenizer.Tokenizer;
import io.skillmix.eval.InstanceSelection;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelFolder;
import io.skillmix.model.ModelInputs;
import io.skillmix.output.AtomicFiles;
import io.skillmix.output.ConsoleBar;
import io.skillmix.output.OutputGuard;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code skillmix data select}: the paper's §5 instance selection (Li et al.'s IFD, with Cherry
 * LLM's IFD > 1 filter) or, with {@code --random}, its Table-4 baseline of a random subset of the
 * same size. Writes OUT and, beside it, {@code OUT.summary.json} with the counts.
 */
@Command(name = "select", mixinStandardHelpOptions = true,
    description = {"Keep the top of a dataset by Instruction-Following Difficulty (IFD): the model's"
        + " loss on each response given its instruction, divided by its loss on the response alone."
        + " Examples with IFD > 1 are dropped first (as Li et al.'s Cherry LLM), and --keep is a share"
        + " of the rest. --random draws as many examples at random instead (the random baseline).",
        "Kept examples are written in their input order; the counts go to OUT.summary.json."})
final class DataSelectCommand implements Runnable {

  /** The summary's file name beside OUT. */
  static final String SUMMARY_SUFFIX = ".summary.json";

  @Spec
  CommandSpec spec;

  @Option(names = "--model", paramLabel = "DIR",
      description = "A Hugging Face model folder (not needed with --random --no-ifd-filter).")
  Path model;

  static final class Size {
    @Option(names = "--keep", paramLabel = "FRACTION",
        description = "Share of the examples left after the filter, in (0, 1]; rounded up.")
    Double keep;

    @Option(names = "--count", paramLabel = "N", description = "Number of examples to keep (at most those left).")
    Integer count;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Size size;

  @Option(names = "--no-ifd-filter",
      description = "Keep examples with IFD > 1 in the ranking (by default they are dropped first, as Cherry LLM).")
  boolean noIfdFilter;

  @Option(names = "--random", description = "Draw the same number of examples uniformly at random from the whole input.")
  boolean random;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of --random (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "auto",
      description = "auto, messages, sharegpt, alpaca, prompt-response or text (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--batch-size", defaultValue = "16", description = "Examples per forward pass (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--max-length", paramLabel = "N", description = "Tokens per example at most, cut from the"
      + " prompt side as training cuts them (default: data.max-length's default, within the model's context).")
  Integer maxLength;

  @Option(names = "--overwrite", description = "Replace OUT and its summary if they exist (never IN, nor a file inside --model).")
  boolean overwrite;

  @Option(names = "--force", hidden = true, description = "Deprecated name of --overwrite.")
  boolean force;

  @Parameters(index = "0", paramLabel = "IN", description = "The dataset to select from.")
  Path in;

  @Parameters(index = "1", paramLabel = "OUT", description = "Where the kept examples go (JSON Lines).")
  Path out;

  @Override
  public void run() {
    InstanceSelection.Size wanted = size.keep != null ? InstanceSelection.Size.share(size.keep)
        : InstanceSelection.Size.count(size.count);
    boolean ifdFilter = !noIfdFilter;
    boolean needsScores = !random || ifdFilter;
    if (needsScores && model == null) {
      throw new UserError("data select: --model is needed"
          + (random ? " (the IFD > 1 filter decides how many examples the IFD selection keeps, and --random"
              + " draws as many); pass --no-ifd-filter to draw without a model" : ""));
    }
    PrintWriter err = spec.commandLine().getErr();
    if (force) {
      err.println("skillmix: --force is deprecated; use --overwrite");
      err.flush();
    }
    List<Path> inputs = model == null ? List.of(in) : List.of(in, model);
    OutputGuard guard = OutputGuard.of("data select", "OUT", inputs);
    Path target = guard.checkFile(out, overwrite || force);
    Path summaryFile = guard.checkFile(out.resolveSibling(out.getFileName() + SUMMARY_SUFFIX), overwrite || force);
    List<Conversation> examples = DatasetReader.load(in, DatasetFormat.parse(format), OnError.FAIL, 20).conversations();
    if (examples.isEmpty()) {
      throw new UserError(in + ": no records to select from");
    }
    double[] scores = needsScores ? scores(examples) : null;
    InstanceSelection.Selection byIfd = scores == null
        ? new InstanceSelection.Selection(examples, examples.size(), 0, examples.size())
        : InstanceSelection.byIfd(examples, scores, wanted, ifdFilter);
    int n = scores == null ? wanted.of(examples.size()) : byIfd.kept().size();
    if (n == 0) {
      throw new UserError(in + ": all " + examples.size() + " examples have IFD > " + InstanceSelection.MAX_IFD
          + ", so none is left to rank; pass --no-ifd-filter to rank them all");
    }
    List<Conversation> kept = random ? InstanceSelection.random(examples, n, seed) : byIfd.kept();
    try {
      DatasetWriter.writeJsonl(target, kept); // a temporary file beside it, renamed over it
    } catch (IOException e) {
      throw new UserError(out + ": cannot write (" + e.getMessage() + ")");
    }
    AtomicFiles.writeString(summaryFile, summary(byIfd, scores, kept.size()));
    PrintWriter printed = spec.commandLine().getOut();
    String filter = scores == null ? "no IFD filter" : ifdFilter
        ? byIfd.aboveMax() + " with IFD > 1 dropped first" : "IFD filter off, " + byIfd.aboveMax() + " with IFD > 1";
    if (random) {
      printed.printf(Locale.ROOT, "kept %d of %d examples at random (seed %d; as many as the IFD selection: %s) in %s%n",
          kept.size(), examples.size(), seed, filter, out);
    } else {
      double[] sorted = scores.clone();
      Arrays.sort(sorted);
      printed.printf(Locale.ROOT, "kept %d of %d examples (%s; IFD median %.3f, cut at %.3f) in %s%n", kept.size(),
          examples.size(), filter, sorted[sorted.length / 2], lowestKept(examples, scores, kept), out);
    }
    printed.flush();
  }

  private double[] scores(List<Conversation> examples) {
    try (LanguageModel lm = LanguageModel.load(model, Device.cpu());
        Tokenizer tokenizer = ModelFolder.tokenizer(model);
        ProgressBar bar = ConsoleBar.openOrNull(true, "ifd", examples.size())) {
      ModelFolder.checkVocabulary(tokenizer, lm.config(), model);
      ChatTemplate template = ChatTemplate.resolve("auto", model);
      int limit = maxLength != null ? maxLength : ConfigLoader.load(null, List.of()).getInt("data.max-length");
      ExampleEncoder encoder = new ExampleEncoder(template, tokenizer,
          Math.min(limit, lm.config().maxPositionEmbeddings()), ExampleEncoder.Overlength.TRUNCATE);
      return InstanceSelection.ifd(lm, ModelInputs.padded(ModelInputs.padIdOf(tokenizer)), encoder, examples,
          batchSize, bar == null ? null : bar::stepBy);
    } catch (Exception e) {
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
  }

  /** The lowest score among the kept examples (they are the same objects as in {@code examples}). */
  private static double lowestKept(List<Conversation> examples, double[] scores, List<Conversation> kept) {
    java.util.Set<Conversation> chosen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    chosen.addAll(kept);
    double lowest = Double.POSITIVE_INFINITY;
    for (int i = 0; i < examples.size(); i++) {
      if (chosen.contains(examples.get(i))) {
        lowest = Math.min(lowest, scores[i]);
      }
    }
    return lowest;
  }

  private String summary(InstanceSelection.Selection byIfd, double[] scores, int kept) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("method", random ? "random" : "ifd");
    s.put("input", in.toString());
    s.put("model", model == null ? null : model.toString());
    s.put("examples", byIfd.examples());
    s.put("ifd_filter", !noIfdFilter);
    s.put("ifd_above_1", scores == null ? null : byIfd.aboveMax());
    s.put("dropped_by_filter", random || noIfdFilter ? 0 : byIfd.aboveMax()); // --random draws from all
    s.put("pool", byIfd.pool()); // what the size was taken of (for --random: the IFD selection's)
    s.put("keep", size.keep);
    s.put("count", size.count);
    s.put("seed", random ? seed : null);
    s.put("kept", kept);
    s.put("output", out.toString());
    List<Double> all = new ArrayList<>();
    if (scores != null) {
      Arrays.stream(scores).forEach(all::add);
    }
    s.put("ifd", scores == null ? null : all);
    return new GsonBuilder().serializeNulls().serializeSpecialFloatingPointValues().setPrettyPrinting()
        .create().toJson(s) + "\n";
  }
}
