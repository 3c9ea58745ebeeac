package io.skillmix.bench;

import io.skillmix.UserError;
import io.skillmix.model.ModelConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code scripts/bench [WHAT] [key=value ...]} asked for. A setting left out is absent, and
 * each benchmark falls back to its own default ({@code steps} means 10 timed steps a round to the
 * model benchmark but 5,000 to the memory one).
 *
 * @param what model, data, mix, memory, cluster, packing or all
 * @param steps steps per round (model), per run (data, mix) or after warm-up (memory); 0 if unset
 * @param rounds repetitions whose median is reported; 0 if unset
 * @param every mix: steps between reward evaluations; memory: steps between samples; 0 if unset
 * @param warmup steps before timing (or before the memory baseline); -1 if unset
 * @param presets model presets to measure; empty if unset
 * @param peer run the PyTorch peer next to the model benchmark
 * @param doc where tables are appended; null for {@code doc=none}
 * @param batch memory with presets: sequences per step; 0 if unset
 * @param length memory with presets: tokens per sequence; 0 if unset
 * @param loss memory with presets: {@code chunked} (the training path), {@code full} (the
 *     (batch, length, vocabulary) log-softmax it replaced) or {@code checkpointed} (chunked with
 *     activation checkpointing); null if unset
 */
public record BenchOptions(String what, int steps, int rounds, int every, int warmup, List<String> presets,
    boolean peer, Path doc, int batch, int length, String loss) {

  public static final List<String> BENCHMARKS = List.of("model", "data", "mix", "memory", "cluster", "packing", "all");
  private static final Set<String> KEYS = Set.of("steps", "rounds", "every", "warmup", "presets", "peer", "doc",
      "batch", "length", "loss");
  private static final Path DEFAULT_DOC = Path.of("docs", "BENCHMARKS.md");

  public BenchOptions {
    presets = List.copyOf(presets);
  }

  /**
   * @param args an optional benchmark name first (model when left out), then {@code key=value}
   * @throws UserError naming the argument and what to do
   */
  public static BenchOptions parse(List<String> args) {
    String what = "model";
    int from = 0;
    if (!args.isEmpty() && !args.get(0).contains("=")) {
      what = args.get(0);
      from = 1;
      if (!BENCHMARKS.contains(what)) {
        throw new UserError("unknown benchmark '" + what + "'; use one of " + String.join(", ", BENCHMARKS));
      }
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (String arg : args.subList(from, args.size())) {
      int eq = arg.indexOf('=');
      if (eq <= 0) {
        throw new UserError("argument '" + arg + "' is not key=value; the benchmark name comes first, then"
            + " settings such as steps=20");
      }
      String key = arg.substring(0, eq).trim();
      if (!KEYS.contains(key)) {
        throw new UserError("unknown setting '" + key + "'; use " + String.join(", ", KEYS.stream().sorted().toList()));
      }
      if (values.put(key, arg.substring(eq + 1).trim()) != null) {
        throw new UserError("setting '" + key + "' is given twice; keep one");
      }
    }
    return new BenchOptions(what,
        positive(values, "steps"),
        positive(values, "rounds"),
        positive(values, "every"),
        values.containsKey("warmup") ? count(values, "warmup") : -1,
        presets(values.get("presets")),
        peer(values.get("peer")),
        doc(values.get("doc")),
        positive(values, "batch"),
        positive(values, "length"),
        loss(values.get("loss")));
  }

  public int steps(int fallback) {
    return steps > 0 ? steps : fallback;
  }

  public int rounds(int fallback) {
    return rounds > 0 ? rounds : fallback;
  }

  public int every(int fallback) {
    return every > 0 ? every : fallback;
  }

  public int warmup(int fallback) {
    return warmup >= 0 ? warmup : fallback;
  }

  public List<String> presets(List<String> fallback) {
    return presets.isEmpty() ? fallback : presets;
  }

  /** The same settings for another benchmark (used by {@code all}). */
  public BenchOptions forBenchmark(String name) {
    return new BenchOptions(name, steps, rounds, every, warmup, presets, peer, doc, batch, length, loss);
  }

  /** The settings a reader needs to repeat the run, as they were typed (defaults left out). */
  public String describe() {
    List<String> parts = new ArrayList<>();
    if (steps > 0) {
      parts.add("steps=" + steps);
    }
    if (rounds > 0) {
      parts.add("rounds=" + rounds);
    }
    if (every > 0) {
      parts.add("every=" + every);
    }
    if (warmup >= 0) {
      parts.add("warmup=" + warmup);
    }
    if (!presets.isEmpty()) {
      parts.add("presets=" + String.join(",", presets));
    }
    if (!peer) {
      parts.add("peer=off");
    }
    if (batch > 0) {
      parts.add("batch=" + batch);
    }
    if (length > 0) {
      parts.add("length=" + length);
    }
    if (loss != null) {
      parts.add("loss=" + loss);
    }
    return String.join(" ", parts);
  }

  private static int positive(Map<String, String> values, String key) {
    if (!values.containsKey(key)) {
      return 0;
    }
    int n = count(values, key);
    if (n == 0) {
      throw new UserError("setting '" + key + "' must be at least 1, got 0");
    }
    return n;
  }

  private static int count(Map<String, String> values, String key) {
    String text = values.get(key);
    try {
      int n = Integer.parseInt(text.replace("_", ""));
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UserError("setting '" + key + "' must be a whole number of 0 or more, got '" + text + "'");
    }
  }

  private static List<String> presets(String text) {
    if (text == null) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (String name : text.split(",")) {
      if (!name.isBlank()) {
        names.add(name.trim());
      }
    }
    if (names.isEmpty()) {
      throw new UserError("setting 'presets' is empty; list presets separated by commas, such as presets=tiny,small");
    }
    for (String name : names) {
      try {
        ModelConfig.preset(name);
      } catch (UserError e) {
        throw new UserError("setting 'presets': preset '" + name + "' is unknown; use one of "
            + io.skillmix.model.Presets.NAMES);
      }
    }
    return names;
  }

  private static String loss(String text) {
    if (text != null && !text.equals("chunked") && !text.equals("full") && !text.equals("checkpointed")) {
      throw new UserError("setting 'loss' is '" + text + "'; use chunked, full or checkpointed");
    }
    return text;
  }

  private static boolean peer(String text) {
    if (text == null) {
      return true;
    }
    return switch (text) {
      case "on", "true" -> true;
      case "off", "false" -> false;
      default -> throw new UserError("setting 'peer' must be on or off, got '" + text + "'");
    };
  }

  private static Path doc(String text) {
    if (text == null) {
      return DEFAULT_DOC;
    }
    if (text.isEmpty()) {
      throw new UserError("setting 'doc' is empty; give a file to append to, or doc=none");
    }
    return text.equals("none") ? null : Path.of(text);
  }
}
