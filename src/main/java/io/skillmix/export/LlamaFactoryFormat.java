package io.skillmix.export;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code --to llamafactory}: the keys of a LLaMA-Factory training YAML that mix datasets
 * ({@code dataset}, {@code mix_strategy}, {@code interleave_probs}; see its
 * {@code hparams/data_args.py}: both lists are comma-separated strings) and the
 * {@code dataset_info.json} entries for the run's files ({@code file_name}, {@code formatting},
 * {@code columns}, {@code tags}; its {@code data/README.md}). With {@code --out FILE} the YAML goes
 * to FILE and {@code dataset_info.json} beside it (the YAML's {@code dataset_dir}); without, both
 * print, the JSON as comments.
 */
public final class LlamaFactoryFormat implements MixtureFormat {

  /** The extensions LLaMA-Factory picks a loader by ({@code FILEEXT2TYPE}); any other is refused there. */
  private static final Set<String> EXTENSIONS = Set.of("arrow", "csv", "json", "jsonl", "parquet", "txt");

  static final String DATASET_INFO = "dataset_info.json";

  @Override
  public String id() {
    return "llamafactory";
  }

  @Override
  public String summary() {
    return "LLaMA-Factory YAML keys (dataset, mix_strategy, interleave_probs) and dataset_info.json entries";
  }

  @Override
  public List<ExportFile> render(Mixture m, Path out) {
    List<Mixture.Share> drawn = m.drawn();
    List<String> header = new ArrayList<>(Notes.common(m));
    header.add("LLaMA-Factory training keys: merge them into your training YAML (llamafactory-cli train FILE).");
    header.add("mix_strategy interleave_over draws until every dataset has been used up, starting again each one"
        + " that runs out, as skillmix does; interleave_under stops when the first one runs out.");
    header.add("LLaMA-Factory follows one set of probabilities for the whole run; it cannot follow a schedule"
        + " (see --to schedule).");
    header.add("The run's seed was " + m.run().seed() + "; LLaMA-Factory interleaves with its training seed (seed:).");
    for (Mixture.Share s : drawn) {
      header.addAll(caveats(s.dataset()));
    }
    JsonObject info = new JsonObject();
    for (Mixture.Share s : drawn) {
      info.add(s.dataset().name(), entry(s.dataset()));
    }
    String json = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(info) + "\n";
    StringBuilder yaml = new StringBuilder(Quoted.comment(String.join("\n", header)));
    yaml.append("dataset: ").append(Quoted.string(Notes.names(drawn))).append('\n');
    if (out != null) {
      yaml.append("dataset_dir: ").append(Quoted.string(dir(out).toString())).append('\n');
    }
    yaml.append("mix_strategy: interleave_over\n");
    yaml.append("interleave_probs: ").append(Quoted.string(Notes.probabilities(drawn))).append('\n');
    if (out == null) {
      yaml.append(Quoted.comment("\n" + DATASET_INFO + ": add these entries to the " + DATASET_INFO
          + " of your dataset_dir (file_name is absolute, so any dataset_dir will do):\n" + json));
      return List.of(new ExportFile(null, yaml.toString()));
    }
    return List.of(new ExportFile(out, yaml.toString()), new ExportFile(dir(out).resolve(DATASET_INFO), json));
  }

  private static Path dir(Path out) {
    Path parent = out.toAbsolutePath().normalize().getParent();
    return parent == null ? Path.of("/") : parent;
  }

  /** A dataset_info.json entry: LLaMA-Factory reads a file_name joined to dataset_dir, so an absolute one as is. */
  static JsonObject entry(SourceRun.Dataset d) {
    FileLayout l = d.layout();
    JsonObject e = new JsonObject();
    e.addProperty("file_name", d.file().toString());
    JsonObject columns = new JsonObject();
    JsonObject tags = new JsonObject();
    switch (l.kind()) {
      case SINGLE -> {
        e.addProperty("formatting", "alpaca");
        put(columns, "prompt", l.prompt());
        put(columns, "query", l.query());
        put(columns, "response", l.response());
        put(columns, "system", l.system());
        put(columns, "history", l.history());
      }
      case DIALOGUE -> {
        e.addProperty("formatting", "sharegpt");
        put(columns, "messages", l.messages());
        put(columns, "system", l.system());
        put(tags, "role_tag", l.roleKey());
        put(tags, "content_tag", l.contentKey());
        put(tags, "user_tag", l.userRole());
        put(tags, "assistant_tag", l.assistantRole());
        put(tags, "system_tag", l.systemRole());
        put(tags, "observation_tag", l.toolRole());
      }
      case TEXT -> {
        e.addProperty("formatting", "alpaca");
        put(columns, "prompt", l.text());
      }
    }
    e.add("columns", columns);
    if (tags.size() > 0) {
      e.add("tags", tags);
    }
    return e;
  }

  private static void put(JsonObject o, String key, String value) {
    if (value != null) {
      o.addProperty(key, value);
    }
  }

  /** What LLaMA-Factory will not read as skillmix did, one line each. */
  private static List<String> caveats(SourceRun.Dataset d) {
    List<String> out = new ArrayList<>();
    String file = d.file().getFileName().toString();
    String ext = file.contains(".") ? file.substring(file.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT) : "";
    if (!EXTENSIONS.contains(ext)) {
      out.add(d.name() + ": LLaMA-Factory picks a loader by the file's extension (json, jsonl, csv, parquet, arrow,"
          + " txt), and " + file + " has none of them" + (d.scan().gzip() ? ": gunzip it and point file_name at the"
          + " plain file." : ": rename or convert it."));
    }
    if (d.layout().kind() == FileLayout.Kind.TEXT) {
      out.add(d.name() + ": plain text is LLaMA-Factory pre-training data (stage: pt); in stage sft it has no response.");
    }
    return out;
  }
}
