package io.skillmix.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.typesafe.config.Config;
import io.skillmix.UserError;
import io.skillmix.config.ConfigLoader;
import io.skillmix.data.tokenizer.ExampleEncoder;
import io.skillmix.data.TokenizedExample;
import io.skillmix.data.format.DatasetFormat;
import io.skillmix.data.format.DatasetReader;
import io.skillmix.data.format.Entry;
import io.skillmix.data.format.Fault;
import io.skillmix.data.format.Record;
import io.skillmix.data.tokenizer.ChatTemplate;
import io.skillmix.data.tokenizer.Tokenizer;
import io.skillmix.data.tokenizer.Tokenizers;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code skillmix data preview --model DIR FILE}: each example exactly as training tokenizes it
 * (the same {@link ExampleEncoder}: template, tokenizer, length limit), its trained tokens marked.
 * Needs the folder's tokenizer and template files only, not its weights.
 */
@Command(name = "preview", mixinStandardHelpOptions = true,
    description = {"Show examples of a dataset file as training tokenizes them: the model's chat"
        + " template, its tokenizer and data.max-length, with the trained tokens (the answers and"
        + " the end-of-turn marker after each) marked: in colour on a terminal, as [[...]]"
        + " otherwise. Needs the model folder's tokenizer and template files, not its weights.",
        "",
        "--json prints one object a line: {\"text\": the rendered text that was tokenized,"
            + " \"ids\": [...], \"trained\": [true|false per id], \"trained_text\": the trained"
            + " tokens decoded in order, consecutive trained tokens decoded together}."})
final class DataPreviewCommand implements Runnable {

  private static final String ANSI_TRAINED = "\u001b[1;32m";
  private static final String ANSI_RESET = "\u001b[0m";
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  @Spec
  CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "A Hugging Face model folder (tokenizer.json, tokenizer_config.json).")
  Path model;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "5",
      description = "Examples to show (default: ${DEFAULT-VALUE}); 0 for all.")
  int limit;

  @Option(names = "--json", description = "One JSON object per example instead of text.")
  boolean json;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "auto",
      description = "The records' format (default: ${DEFAULT-VALUE}, detected from the file).")
  String format;

  @picocli.CommandLine.Mixin
  ColumnOptions columns = new ColumnOptions();

  @Parameters(index = "0", paramLabel = "FILE", description = "The dataset file.")
  Path file;

  @Parameters(index = "1..*", paramLabel = "key=value",
      description = "Config overrides, e.g. data.max-length=512 model.chat-template=chatml.")
  List<String> overrides = new ArrayList<>();

  /** Ids, flags and counts of one example, and how it prints. */
  record Preview(String text, TokenizedExample example, List<String> runs, List<Boolean> trained) {

    String trainedText() {
      StringBuilder out = new StringBuilder();
      for (int k = 0; k < runs.size(); k++) {
        if (trained.get(k)) {
          out.append(runs.get(k));
        }
      }
      return out.toString();
    }
  }

  @Override
  public void run() {
    if (limit < 0) {
      throw new UserError("--limit " + limit + " must be 0 (all) or more");
    }
    Config config = ConfigLoader.load(null, overrides);
    DatasetFormat given = DatasetFormat.parse(format);
    io.skillmix.data.format.ColumnMapping mapping = columns.mapping(given);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    boolean colour = !json && System.console() != null;
    long shown = 0;
    long tokens = 0;
    long trainedTokens = 0;
    int faults = 0;
    try (Tokenizer tokenizer = Tokenizers.load(model);
        DatasetReader reader = DatasetReader.open(file, given, mapping)) {
      // model.system-prompt as training applies it (RunPreparation.parts resolves the template the same way).
      ChatTemplate template = ChatTemplate.resolve(config.getString("model.chat-template"), model,
          config.getString("model.system-prompt"));
      ExampleEncoder encoder = new ExampleEncoder(template, tokenizer,
          config.getInt("data.max-length"),
          ExampleEncoder.Overlength.parse(config.getString("data.overlength")));
      if (!json) {
        out.println("model     " + model + " (template " + template.configName() + ")");
        out.println("file      " + file);
      }
      while (reader.hasNext() && (limit == 0 || shown < limit)) {
        Entry entry = reader.next();
        if (entry instanceof Fault f) {
          err.println(f);
          faults++;
          continue;
        }
        Record record = (Record) entry;
        Preview p = preview(encoder, file, record, tokenizer);
        shown++;
        if (p.example() == null) {
          if (!json) {
            out.println("-- example " + shown + " (" + file + ":" + record.line() + ") is over"
                + " data.max-length and training leaves it out (data.overlength = skip)");
          }
          continue;
        }
        int n = p.example().length();
        int t = p.example().targetCount();
        tokens += n;
        trainedTokens += t;
        if (json) {
          out.println(json(p));
        } else {
          out.printf(Locale.ROOT, "-- example %d (%s:%d): %d tokens, %d trained, %d not%n", shown,
              file, record.line(), n, t, n - t);
          out.println(marked(p, colour));
        }
      }
      if (!json) {
        out.printf(Locale.ROOT, "%d example%s, %d tokens: %d trained, %d not trained%s%n", shown,
            shown == 1 ? "" : "s", tokens, trainedTokens, tokens - trainedTokens,
            encoder.truncated() > 0 ? " (" + encoder.truncated() + " cut to data.max-length)" : "");
      }
    }
    out.flush();
    err.flush();
    if (faults > 0) {
      throw new UserError(faults + (faults == 1 ? " fault in " : " faults in ") + file);
    }
  }

  /** One example through the training encoder; a template's refusal names file and line. */
  static Preview preview(ExampleEncoder encoder, Path file, Record record, Tokenizer tokenizer) {
    TokenizedExample e;
    String text;
    try {
      e = encoder.apply(record.conversation());
      text = encoder.template().render(record.conversation());
    } catch (UserError error) {
      throw new UserError(file + ":" + record.line() + ": " + error.getMessage(), error);
    }
    List<String> runs = new ArrayList<>();
    List<Boolean> trained = new ArrayList<>();
    if (e != null) {
      int i = 0;
      while (i < e.length()) {
        int from = i;
        boolean flag = e.target()[i];
        while (i < e.length() && e.target()[i] == flag) {
          i++;
        }
        runs.add(tokenizer.decode(Arrays.copyOfRange(e.ids(), from, i)));
        trained.add(flag);
      }
    }
    return new Preview(text, e, runs, trained);
  }

  static String json(Preview p) {
    JsonObject o = new JsonObject();
    o.addProperty("text", p.text());
    JsonArray ids = new JsonArray();
    JsonArray trained = new JsonArray();
    for (int i = 0; i < p.example().length(); i++) {
      ids.add(p.example().ids()[i]);
      trained.add(p.example().target()[i]);
    }
    o.add("ids", ids);
    o.add("trained", trained);
    o.addProperty("trained_text", p.trainedText());
    return GSON.toJson(o);
  }

  /** The decoded example with its trained runs in colour or in [[...]]. */
  static String marked(Preview p, boolean colour) {
    StringBuilder out = new StringBuilder();
    for (int k = 0; k < p.runs().size(); k++) {
      String run = p.runs().get(k);
      if (!p.trained().get(k)) {
        out.append(run);
      } else if (colour) {
        out.append(ANSI_TRAINED).append(run).append(ANSI_RESET);
      } else {
        out.append("[[").append(run).append("]]");
      }
    }
    return out.toString();
  }
}
