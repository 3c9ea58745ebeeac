package io.skillmix.export;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --to hf-datasets}: a short Python file that builds the mixture with Hugging Face
 * {@code datasets}: each file through {@code load_dataset("json" | "parquet", data_files=...)},
 * turned into chat {@code messages} (or {@code text}) the way skillmix read it, then
 * {@code interleave_datasets(parts, probabilities=..., seed=..., stopping_strategy=...)}. Data, not
 * code, comes from the run: every path and field name is a quoted literal.
 */
public final class HfDatasetsFormat implements MixtureFormat {

  /** The converter and the build, after the generated constants. */
  private static final String BODY = """


      def to_example(record, layout):
          \"\"\"One record as chat messages (or plain text), read as skillmix read it.\"\"\"
          if layout["kind"] == "text":
              return {"messages": None, "text": record[layout["text"]]}
          system = record.get(layout["system"]) if layout["system"] else None
          messages = []
          if layout["kind"] == "single":
              for user, assistant in (record.get(layout["history"]) or []) if layout["history"] else []:
                  messages += [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]
              prompt = record[layout["prompt"]]
              query = record.get(layout["query"]) if layout["query"] else None
              if query:
                  prompt = prompt + "\\n" + query  # LLaMA-Factory's meaning of a query
              messages += [{"role": "user", "content": prompt},
                           {"role": "assistant", "content": record[layout["response"]]}]
          else:
              roles = {layout["user"]: "user", layout["assistant"]: "assistant",
                       layout["system_role"]: "system", layout["tool"]: "tool"}
              for i, turn in enumerate(record[layout["messages"]]):
                  if isinstance(turn, str):  # strings alternate user and assistant
                      messages.append({"role": "user" if i % 2 == 0 else "assistant", "content": turn})
                  else:
                      role = turn[layout["role"]]
                      messages.append({"role": roles.get(role, role), "content": turn[layout["content"]]})
          if system and (not messages or messages[0]["role"] != "system"):
              messages.insert(0, {"role": "system", "content": system})
          return {"messages": messages, "text": None}


      def load(entry):
          part = load_dataset(entry["loader"], data_files=entry["file"], split="train")
          return part.map(lambda r: {k: v for k, v in to_example(r, entry["layout"]).items() if k in FEATURES},
                          remove_columns=part.column_names, features=FEATURES)


      def build():
          parts = [load(entry) for entry in DATASETS]
          return interleave_datasets(parts, probabilities=PROBABILITIES, seed=SEED,
                                     stopping_strategy=STOPPING_STRATEGY)


      if __name__ == "__main__":
          mixture = build()
          print(mixture)
      """;

  @Override
  public String id() {
    return "hf-datasets";
  }

  @Override
  public String summary() {
    return "a Python file: load_dataset per file, then interleave_datasets(probabilities=..., seed=..., stopping_strategy=...)";
  }

  @Override
  public List<ExportFile> render(Mixture m, Path out) {
    List<Mixture.Share> drawn = m.drawn();
    List<String> doc = new ArrayList<>(Notes.common(m));
    doc.add("Hugging Face datasets: python3 THIS_FILE prints the mixture; import it and call build() for the dataset.");
    doc.add("Every example becomes chat `messages` (role, content), or `text` for plain-text data, as skillmix read it.");
    doc.add("STOPPING_STRATEGY all_exhausted draws until every dataset has been used up, starting again each one that"
        + " runs out, as skillmix does; first_exhausted stops when the first one runs out.");
    doc.add("interleave_datasets follows one set of probabilities; it cannot follow a schedule (see --to schedule).");
    StringBuilder py = new StringBuilder(Quoted.comment(String.join("\n", doc)));
    py.append("from datasets import Features, Value, interleave_datasets, load_dataset\n\n");
    py.append("DATASETS = [\n");
    boolean text = false;
    boolean chat = false;
    for (Mixture.Share s : drawn) {
      SourceRun.Dataset d = s.dataset();
      text |= d.layout().kind() == FileLayout.Kind.TEXT;
      chat |= d.layout().kind() != FileLayout.Kind.TEXT;
      py.append("    {\"name\": ").append(Quoted.string(d.name()))
          .append(", \"file\": ").append(Quoted.string(d.file().toString()))
          .append(", \"loader\": ").append(Quoted.string(d.scan().parquet() ? "parquet" : "json"))
          .append(",\n     \"layout\": ").append(layout(d.layout())).append("},\n");
    }
    py.append("]\n");
    py.append("PROBABILITIES = [").append(String.join(", ", drawn.stream()
        .map(s -> Rounded.text(s.probability())).toList())).append("]  # sum to exactly 1\n");
    py.append("SEED = ").append(m.run().seed()).append("  # the run's seed\n");
    py.append("STOPPING_STRATEGY = \"all_exhausted\"\n");
    List<String> features = new ArrayList<>();
    if (chat) {
      features.add("\"messages\": [{\"role\": Value(\"string\"), \"content\": Value(\"string\")}]");
    }
    if (text) {
      features.add("\"text\": Value(\"string\")");
    }
    py.append("FEATURES = Features({").append(String.join(", ", features)).append("})");
    py.append(BODY);
    return List.of(new ExportFile(out, py.toString()));
  }

  /** The layout as a Python dict literal of strings and None. */
  private static String layout(FileLayout l) {
    String kind = switch (l.kind()) {
      case SINGLE -> "single";
      case DIALOGUE -> "dialogue";
      case TEXT -> "text";
    };
    String[][] fields = {{"kind", kind}, {"prompt", l.prompt()}, {"query", l.query()}, {"response", l.response()},
        {"system", l.system()}, {"history", l.history()}, {"messages", l.messages()}, {"role", l.roleKey()},
        {"content", l.contentKey()}, {"user", l.userRole()}, {"assistant", l.assistantRole()},
        {"system_role", l.systemRole()}, {"tool", l.toolRole()}, {"text", l.text()}};
    List<String> items = new ArrayList<>();
    for (String[] f : fields) {
      items.add("\"" + f[0] + "\": " + (f[1] == null ? "None" : Quoted.string(f[1])));
    }
    return "{" + String.join(", ", items) + "}";
  }
}
