package io.skillmix.metrics;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.skillmix.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads back what {@link MetricsSink} writes: each line of {@code metrics.jsonl} as the record it
 * was written from, and each line of {@code weights.jsonl}. The one reader of the run's logs (the
 * sink replays them on resume; {@code compare} reads finished runs).
 */
public final class MetricsLog {

  private MetricsLog() {}

  /**
   * Every record of a metrics file, in order; a missing file has none.
   *
   * @param datasets the run's dataset names, the order of every per-dataset array; null: the
   *     order of the file's first record that has them (its first weights line)
   */
  public static List<MetricsSink.Command> read(Path file, List<String> datasets) {
    return metrics(file, datasets).records();
  }

  /** A metrics file: the dataset names (the order of every per-dataset array) and every record, in order. */
  public record Metrics(List<String> datasets, List<MetricsSink.Command> records) {}

  /** Every record of a metrics file, read once; the names are those of its first weights line. */
  public static Metrics metrics(Path file) {
    return metrics(file, null);
  }

  private static Metrics metrics(Path file, List<String> datasets) {
    List<JsonObject> lines = lines(file);
    List<String> names = datasets != null ? datasets : namesOf(lines);
    List<MetricsSink.Command> out = new ArrayList<>();
    for (JsonObject o : lines) {
      String event = o.get("event").getAsString();
      if (event.equals("system")) {
        continue; // a summary of the records, not one (see system())
      }
      out.add(switch (event) {
        case "train" -> trainStep(o, names);
        case "weights" -> new MetricsSink.WeightsApplied(weightUpdate(o, names));
        case "rewards" -> new MetricsSink.RewardsComputed(o.get("version").getAsLong(), values(o, "rewards", names),
            values(o, "smoothed", names), values(o, "probs", names), o.get("evaluator_seconds").getAsDouble());
        case "eval" -> new MetricsSink.Evaluated(o.get("step").getAsLong(), numbers(o, "heldout_loss"),
            numbers(o, "scores"), o.get("seconds").getAsDouble());
        case "snapshot_sent" -> new MetricsSink.SnapshotSent(o.get("version").getAsLong());
        case "snapshot_answered" -> new MetricsSink.SnapshotAnswered(o.get("version").getAsLong(),
            o.get("step").getAsLong(), o.get("latency_seconds").getAsDouble());
        default -> new MetricsSink.Note(o.get("step").getAsLong(), event, o.get("message").getAsString());
      });
    }
    return new Metrics(names, out);
  }

  /**
   * A train line: per-dataset losses and example counts by name ({@code losses}, {@code examples});
   * a line written before them names its one {@code dataset}, whose loss is the step's.
   */
  private static MetricsSink.TrainStep trainStep(JsonObject o, List<String> names) {
    double loss = number(o, "loss");
    double[] losses = new double[names.size()];
    int[] examples = new int[names.size()];
    java.util.Arrays.fill(losses, Double.NaN);
    if (o.has("losses")) {
      JsonObject byName = o.getAsJsonObject("losses");
      JsonObject counts = o.getAsJsonObject("examples");
      for (int d = 0; d < names.size(); d++) {
        if (counts.has(names.get(d))) {
          losses[d] = number(byName, names.get(d));
          examples[d] = counts.get(names.get(d)).getAsInt();
        }
      }
    } else {
      int d = names.indexOf(o.get("dataset").getAsString());
      if (d >= 0) {
        losses[d] = loss;
        examples[d] = -1;
      }
    }
    int[] prefetched = null;
    if (o.has("prefetch")) {
      JsonObject byName = o.getAsJsonObject("prefetch");
      prefetched = new int[names.size()];
      for (int d = 0; d < names.size(); d++) {
        prefetched[d] = byName.has(names.get(d)) ? byName.get(names.get(d)).getAsInt() : -1;
      }
    }
    return new MetricsSink.TrainStep(o.get("step").getAsLong(), loss, losses, examples, o.get("lr").getAsDouble(),
        number(o, "grad_norm"), o.get("tokens").getAsInt(), o.has("pad_tokens") ? o.get("pad_tokens").getAsInt() : 0,
        o.get("seconds").getAsDouble(),
        o.get("wait_seconds").getAsDouble(), prefetched);
  }

  /** The last system line of a metrics file (the whole run's figures once it ended), or null. */
  public static SystemFigures system(Path file) {
    SystemFigures last = null;
    for (JsonObject o : lines(file)) {
      if (o.get("event").getAsString().equals("system")) {
        last = new SystemFigures(number(o, "wall_seconds"), number(o, "train_seconds"), number(o, "wait_seconds"),
            o.get("real_tokens").getAsLong(), number(o, "evaluator_seconds"), o.get("updates_applied").getAsLong(),
            number(o, "staleness_mean"), o.get("staleness_max").getAsLong(), o.get("snapshots_sent").getAsLong(),
            o.get("snapshots_skipped").getAsLong(), number(o, "reward_latency_mean"), number(o, "reward_latency_max"));
      }
    }
    return last;
  }

  /** A weights file: the dataset names (the order of its arrays) and every line, in order. */
  public record Weights(List<String> datasets, List<WeightUpdate> lines) {}

  /** Every line of a weights file, in order, read once; the names are those of its first line. */
  public static Weights weights(Path file) {
    List<JsonObject> lines = lines(file);
    List<String> names = namesOf(lines);
    List<WeightUpdate> out = new ArrayList<>();
    for (JsonObject o : lines) {
      out.add(weightUpdate(o, names));
    }
    return new Weights(names, out);
  }

  /** A weights line (in either file): the step it took effect, its snapshot, its probabilities. */
  private static WeightUpdate weightUpdate(JsonObject o, List<String> names) {
    return new WeightUpdate(o.get("version").getAsLong(), o.get("step").getAsLong(), values(o, "probs", names));
  }

  /** The dataset names of a metrics file, in the order {@link #read} gives its arrays with null names. */
  public static List<String> datasets(Path file) {
    return namesOf(lines(file));
  }

  /** The dataset names of the first line that has per-dataset probabilities, in the run's order. */
  private static List<String> namesOf(List<JsonObject> lines) {
    for (JsonObject o : lines) {
      if (o.has("probs")) {
        return o.getAsJsonObject("probs").keySet().stream().toList();
      }
    }
    return List.of();
  }

  /** A loss or norm written as null (a skipped, non-finite step), or a figure left out, reads back as NaN. */
  private static double number(JsonObject o, String key) {
    JsonElement e = o.get(key);
    return e == null || e.isJsonNull() ? Double.NaN : e.getAsDouble();
  }

  /** An object of numbers by name, in the file's order; a null (NaN written out) reads back as NaN. */
  private static Map<String, Double> numbers(JsonObject line, String key) {
    Map<String, Double> out = new java.util.LinkedHashMap<>();
    JsonObject byName = line.getAsJsonObject(key);
    for (String name : byName.keySet()) {
      out.put(name, number(byName, name));
    }
    return out;
  }

  private static double[] values(JsonObject line, String key, List<String> datasets) {
    JsonObject byName = line.getAsJsonObject(key);
    double[] out = new double[datasets.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = byName.get(datasets.get(i)).getAsDouble();
    }
    return out;
  }

  private static List<JsonObject> lines(Path file) {
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      List<JsonObject> out = new ArrayList<>();
      int n = 0;
      for (String text : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        n++;
        if (!text.isBlank()) {
          try {
            out.add(JsonParser.parseString(text).getAsJsonObject());
          } catch (RuntimeException e) {
            throw new UserError(file + ":" + n + ": not a metrics record (" + e.getMessage() + ")");
          }
        }
      }
      return out;
    } catch (IOException e) {
      throw new UserError(file + ": cannot read (" + e.getMessage() + ")");
    }
  }

  /** For the by-name view compare keeps: probabilities of one line by dataset. */
  public static Map<String, Double> byName(List<String> datasets, double[] values) {
    Map<String, Double> out = new java.util.LinkedHashMap<>();
    for (int i = 0; i < datasets.size(); i++) {
      out.put(datasets.get(i), values[i]);
    }
    return out;
  }
}
