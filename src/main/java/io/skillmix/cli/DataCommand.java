package io.skillmix.cli;

import com.typesafe.config.Config;
import io.skillmix.UserError;
import io.skillmix.config.ConfigLoader;
import io.skillmix.data.format.ColumnMapping;
import io.skillmix.data.format.DatasetFormat;
import io.skillmix.data.format.DatasetReader;
import io.skillmix.data.format.DatasetStats;
import io.skillmix.data.format.Entry;
import io.skillmix.data.format.Fault;
import io.skillmix.data.format.OnError;
import io.skillmix.data.format.Record;
import io.skillmix.run.RunData;
import io.skillmix.run.RunSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code skillmix data check FILE}, {@code data stats}, {@code data select}, {@code data preview}: look at datasets. */
@Command(name = "data", mixinStandardHelpOptions = true,
    description = "Check a dataset file, or show the built-in skill mix.",
    subcommands = {DataCommand.Check.class, DataCommand.Stats.class, DataSelectCommand.class,
        DataPreviewCommand.class, DataCommand.English.class})
public final class DataCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a subcommand is needed: check, stats, select, preview or english (see --help)");
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

    @picocli.CommandLine.Mixin
    ColumnOptions columns = new ColumnOptions();

    @Override
    public void run() {
      DatasetFormat given = DatasetFormat.parse(format);
      ColumnMapping mapping = columns.mapping(given);
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      DatasetStats stats = new DatasetStats();
      int faults = 0;
      DatasetFormat used;
      try (DatasetReader reader = DatasetReader.open(file, given, mapping)) {
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
      out.println("format  " + (mapping != null ? mapping.describe() : used == null ? "unknown (no readable record)"
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

  /** Writes the English pretraining text ({@link io.skillmix.data.builtin.EnglishText}) as a {@code text} JSONL file. */
  @Command(name = "english", mixinStandardHelpOptions = true,
      description = "Write general English text (one document per WordNet synset) to pretrain a base model on.")
  static final class English implements Runnable {

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Option(names = "--out", required = true, paramLabel = "FILE",
        description = "The JSON Lines file to write ({\"text\": ...} a line; train on it with format = text).")
    java.nio.file.Path out;

    @picocli.CommandLine.Option(names = "--seed", defaultValue = "42", description = "Order of the documents.")
    long seed;

    @Override
    public void run() {
      int n = io.skillmix.data.builtin.EnglishText.write(out, seed);
      spec.commandLine().getOut().println("wrote " + n + " documents to " + out);
    }
  }
}
