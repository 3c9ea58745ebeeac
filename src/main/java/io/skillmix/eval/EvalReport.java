package io.skillmix.eval;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.skillmix.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The results of one evaluation of one model: a row per task and metric. Written as JSON for
 * {@code compare} to read back, and printed as a fixed-width table for people.
 *
 * @param model what was evaluated (a folder, a preset, a run's checkpoint)
 */
public record EvalReport(String model, List<Row> rows) {

  /**
   * @param task e.g. {@code heldout/math}, {@code mmlu}, {@code mmlu/Math}, {@code gsm8k}
   * @param metric e.g. {@code loss}, {@code perplexity}, {@code accuracy}, {@code exact_match}
   * @param value NaN when nothing was measured (written as JSON null)
   * @param n how many items the value is over: examples, questions or tokens as the metric says
   */
  public record Row(String task, String metric, double value, long n) {}

  public EvalReport {
    rows = List.copyOf(rows);
  }

  /** The value of a task's metric, or NaN if the report has no such row. */
  public double value(String task, String metric) {
    return rows.stream().filter(r -> r.task().equals(task) && r.metric().equals(metric))
        .mapToDouble(Row::value).findFirst().orElse(Double.NaN);
  }

  // ---------------------------------------------------------------- table

  /** One line per row: task, metric, value, n; columns as wide as their widest cell. */
  public String table() {
    List<String[]> cells = new ArrayList<>();
    cells.add(new String[] {"task", "metric", "value", "n"});
    for (Row r : rows) {
      cells.add(new String[] {r.task(), r.metric(), format(r.value()), Long.toString(r.n())});
    }
    int[] width = new int[4];
    for (String[] line : cells) {
      for (int c = 0; c < 4; c++) {
        width[c] = Math.max(width[c], line[c].length());
      }
    }
    StringBuilder out = new StringBuilder("model: ").append(model).append('\n');
    for (String[] line : cells) {
      // Text columns left-aligned, numbers right-aligned so their digits line up.
      out.append(String.format(Locale.ROOT, "%-" + width[0] + "s  %-" + width[1] + "s  %"
          + width[2] + "s  %" + width[3] + "s", (Object[]) line).stripTrailing()).append('\n');
    }
    return out.toString();
  }

  private static String format(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    return Math.abs(v) >= 1e5 ? String.format(Locale.ROOT, "%.4g", v)
        : String.format(Locale.ROOT, "%.4f", v);
  }

  // ---------------------------------------------------------------- JSON

  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls().create();

  public String toJson() {
    JsonObject root = new JsonObject();
    root.addProperty("model", model);
    JsonArray array = new JsonArray();
    for (Row r : rows) {
      JsonObject o = new JsonObject();
      o.addProperty("task", r.task());
      o.addProperty("metric", r.metric());
      // JSON has no NaN; null says "not measured".
      o.add("value", Double.isFinite(r.value()) ? GSON.toJsonTree(r.value()) : JsonNull.INSTANCE);
      o.addProperty("n", r.n());
      array.add(o);
    }
    root.add("results", array);
    return GSON.toJson(root) + "\n";
  }

  public void writeJson(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, toJson(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UserError(file + ": cannot write the evaluation report (" + e.getMessage() + ")");
    }
  }

  /** Reads a report written by {@link #writeJson}. */
  public static EvalReport readJson(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new UserError(file + ": evaluation report not found; check the path");
    } catch (IOException e) {
      throw new UserError(file + ": cannot read the evaluation report (" + e.getMessage() + ")");
    }
    try {
      JsonObject root = JsonParser.parseString(text).getAsJsonObject();
      List<Row> rows = new ArrayList<>();
      for (JsonElement e : root.getAsJsonArray("results")) {
        JsonObject o = e.getAsJsonObject();
        JsonElement value = o.get("value");
        rows.add(new Row(o.get("task").getAsString(), o.get("metric").getAsString(),
            value == null || value.isJsonNull() ? Double.NaN : value.getAsDouble(),
            o.get("n").getAsLong()));
      }
      return new EvalReport(root.get("model").getAsString(), rows);
    } catch (JsonParseException | IllegalStateException | NullPointerException
        | UnsupportedOperationException | ClassCastException e) {
      throw new UserError(file + ": not an evaluation report written by skillmix eval ("
          + e.getMessage() + ")");
    }
  }
}
