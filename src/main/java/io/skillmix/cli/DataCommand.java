package io.skillmix.cli;

import ai.djl.Device;
import com.typesafe.config.Config;
import io.skillmix.UserError;
import io.skillmix.config.ConfigLoader;
import io.skillmix.data.Conversation;
import io.skillmix.data.format.DatasetFormat;
import io.skillmix.data.format.DatasetReader;
import io.skillmix.data.format.DatasetStats;
import io.skillmix.data.format.DatasetWriter;
import io.skillmix.data.format.Entry;
import io.skillmix.data.format.Fault;
import io.skillmix.data.format.OnError;
import io.skillmix.data.format.Record;
import io.skillmix.data.tokenizer.ChatTemplate;
import io.skillmix.data.tokenizer.ExampleEncoder;
import io.skillmix.data.tokenizer.Tokenizer;
import io.skillmix.eval.InstanceSelection;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelFolder;
import io.skillmix.model.ModelInputs;
import io.skillmix.output.ConsoleBar;
import io.skillmix.output.OutputGuard;
import io.skillmix.run.RunData;
import io.skillmix.run.RunSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code skillmix data check FILE} and {@code skillmix data stats}: look at datasets. */
@Command(name = "data", mixinStandardHelpOptions = true,
    description = "Check a dataset file, or show the built-in skill mix.",
    subcommands = {DataCommand.Check.class, DataCommand.Stats.class, DataCommand.Select.class,
        DataPreviewCommand.class})
public final class DataCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a subcommand is needed: check, stats, select or preview (see --help)");
  }

  /** Validates every record of a file and prints its Table-1 counts; faults exit with code 2. */
  @Command(name = "check", mixinStandardHelpOptions = true,
      description = "Validate a dataset file (JSON Lines, a JSON array, either gzip-compressed, or"
          + " Parquet) and count it.")
  static final class Check implements Runnable {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The dataset file.")
    Path file;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "auto",
        description = "auto, messages, sharegpt, alpaca, prompt-response or text (default: ${DEFAULT-VALUE}).")
    String format;

    @Override
    public void run() {
      DatasetFormat given = DatasetFormat.parse(format);
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      DatasetStats stats = new DatasetStats();
      int faults = 0;
      DatasetFormat used;
      try (DatasetReader reader = DatasetReader.open(file, given)) {
        while (reader.hasNext()) {
          Entry entry = reader.next();
          if (entry instanceof Record r) {
            stats.add(r.conversation());
          } else if (entry instanceof Fault f) {
            err.println(f);
            faults++;
          }
        }
        used = reader.format();
      }
      err.flush();
      out.println("file    " + file);
      out.println("format  " + (used == null ? "unknown (no readable record)"
          : used + (given == null ? " (detected)" : "")));
      out.print(DatasetStats.table(Map.of(file.getFileName().toString(), stats)));
      out.flush();
      if (faults > 0) {
        throw new UserError(faults + (faults == 1 ? " fault in " : " faults in ") + file);
      }
    }
  }

  /** The Table-1 counts of the built-in skill mix, per set and split. */
  @Command(name = "stats", mixinStandardHelpOptions = true,
      description = "Show examples, turns, words and lengths of the built-in skill mix.")
  static final class Stats implements Runnable {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "key=value", arity = "0..*",
        description = "Config overrides, e.g. data.builtin.total=20000 seed=7.")
    List<String> overrides = new ArrayList<>();

    @Override
    public void run() {
      Config config = ConfigLoader.load(null, overrides);
      RunSettings settings = RunSettings.from(config);
      // The configured mix: data.datasets when set, else the built-in one (read as training reads it).
      RunData data = RunData.load(settings);
      Map<String, DatasetStats> rows = new LinkedHashMap<>();
      DatasetStats all = new DatasetStats();
      for (RunData.Set set : data.sets()) {
        rows.put(set.name() + " (train)", DatasetStats.of(set.train()));
        rows.put(set.name() + " (held-out)", DatasetStats.of(set.heldOut()));
        set.train().forEach(all::add);
        set.heldOut().forEach(all::add);
      }
      rows.put("all", all);
      PrintWriter out = spec.commandLine().getOut();
      if (settings.data().datasets().isEmpty()) {
        out.println("built-in skill mix: seed " + settings.seed() + ", total " + settings.data().builtinTotal()
            + ", held-out " + settings.data().builtinHeldOut());
      } else {
        out.println("configured datasets: " + String.join(", ", data.names()));
      }
      out.print(DatasetStats.table(rows));
      out.flush();
    }
  }

  /** Keeps the examples with the highest Instruction-Following Difficulty under a model. */
  @Command(name = "select", mixinStandardHelpOptions = true,
      description = "Keep the top fraction of a dataset by Instruction-Following Difficulty (IFD):"
          + " the model's loss on each response given its instruction, divided by its loss on the"
          + " response alone. Kept examples are written in their original order.")
  static final class Select implements Runnable {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A Hugging Face model folder.")
    Path model;

    @Option(names = "--keep", required = true, paramLabel = "FRACTION",
        description = "Share of examples to keep, in (0, 1]; rounded up.")
    double keep;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "auto",
        description = "auto, messages, sharegpt, alpaca, prompt-response or text (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--batch-size", defaultValue = "16", description = "Examples per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--max-length", paramLabel = "N", description = "Tokens per example at most, cut from the"
        + " prompt side as training cuts them (default: data.max-length's default, within the model's context).")
    Integer maxLength;

    @Option(names = "--overwrite", description = "Replace OUT if it exists (never IN, nor a file inside --model).")
    boolean overwrite;

    @Option(names = "--force", hidden = true, description = "Deprecated name of --overwrite.")
    boolean force;

    @Parameters(index = "0", paramLabel = "IN", description = "The dataset to score.")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "Where the kept examples go (JSON Lines).")
    Path out;

    @Override
    public void run() {
      if (!(keep > 0 && keep <= 1)) {
        throw new UserError("--keep " + keep + " must be in (0, 1]");
      }
      if (force) {
        spec.commandLine().getErr().println("skillmix: --force is deprecated; use --overwrite");
        spec.commandLine().getErr().flush();
      }
      Path target = OutputGuard.of("data select", "OUT", List.of(in, model)).checkFile(out, overwrite || force);
      List<Conversation> examples = DatasetReader.load(in, DatasetFormat.parse(format),
          OnError.FAIL, 20).conversations();
      if (examples.isEmpty()) {
        throw new UserError(in + ": no records to select from");
      }
      double[] scores;
      try (LanguageModel lm = LanguageModel.load(model, Device.cpu());
          Tokenizer tokenizer = ModelFolder.tokenizer(model);
          ProgressBar bar = ConsoleBar.openOrNull(true, "ifd", examples.size())) {
        ChatTemplate template = ChatTemplate.resolve("auto", model);
        int limit = maxLength != null ? maxLength : ConfigLoader.load(null, List.of()).getInt("data.max-length");
        ExampleEncoder encoder = new ExampleEncoder(template, tokenizer,
            Math.min(limit, lm.config().maxPositionEmbeddings()), ExampleEncoder.Overlength.TRUNCATE);
        scores = InstanceSelection.ifd(lm, ModelInputs.padded(ModelInputs.padIdOf(tokenizer)), encoder, examples,
            batchSize, bar == null ? null : bar::stepBy);
      } catch (Exception e) {
        throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
      }
      List<Conversation> kept = InstanceSelection.keepTop(examples, scores, keep);
      try {
        DatasetWriter.writeJsonl(target, kept); // a temporary file beside it, renamed over it
      } catch (IOException e) {
        throw new UserError(out + ": cannot write (" + e.getMessage() + ")");
      }
      double[] sorted = scores.clone();
      Arrays.sort(sorted);
      spec.commandLine().getOut().printf(Locale.ROOT,
          "kept %d of %d examples (IFD median %.3f, cut at %.3f) in %s%n", kept.size(), examples.size(),
          sorted[sorted.length / 2], sorted[sorted.length - kept.size()], out);
      spec.commandLine().getOut().flush();
    }
  }
}
