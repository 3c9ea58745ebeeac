package io.skillmix.checkpoint;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.skillmix.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code state.json} of a checkpoint: every stateful actor's state, by component name, each in the
 * JSON that actor wrote ({@link ComponentState}). The model and the optimizer's moments lie beside
 * it ({@code model/}, {@code optimizer.bin}). This package knows no actor: each one writes and reads
 * its own part.
 *
 * @param step optimizer steps done
 * @param components JSON by component ({@code learner}, {@code scorer} for a learned mixture,
 *     {@code metrics}, {@code dataset:NAME} for each dataset)
 */
public record CheckpointState(int format, long step, List<String> datasetNames, Map<String, String> components) {

  public static final String FILE = "state.json";
  /** 2: a map of components; 1 (read, converted): one field per actor. */
  public static final int FORMAT = 2;

  public static final String LEARNER = "learner";
  public static final String SCORER = "scorer";
  public static final String METRICS = "metrics";

  private static final Gson PRETTY = new GsonBuilder().serializeSpecialFloatingPointValues()
      .setPrettyPrinting().create();

  public CheckpointState {
    datasetNames = List.copyOf(datasetNames);
    components = Map.copyOf(components);
  }

  /** The JSON of {@code component}, or null when the checkpoint has none (a fixed mixture's scorer). */
  public String component(String component) {
    return components.get(component);
  }

  public void write(Path folder) {
    JsonObject root = new JsonObject();
    root.addProperty("format", format);
    root.addProperty("step", step);
    root.add("datasetNames", PRETTY.toJsonTree(datasetNames));
    JsonObject parts = new JsonObject();
    components.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> parts.add(e.getKey(), JsonParser.parseString(e.getValue())));
    root.add("components", parts);
    try {
      Files.writeString(folder.resolve(FILE), PRETTY.toJson(root), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public static CheckpointState read(Path folder) {
    Path file = folder.resolve(FILE);
    try {
      JsonObject root = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
      int format = root.has("format") ? root.get("format").getAsInt() : -1;
      long step = root.get("step").getAsLong();
      List<String> names = root.getAsJsonArray("datasetNames").asList().stream().map(JsonElement::getAsString).toList();
      Map<String, String> parts = new LinkedHashMap<>();
      if (format == 1) {
        // One field per actor, as written before the checkpointer: the same values, renamed.
        parts.put(LEARNER, StateJson.gson().toJson(root.get("learner")));
        if (root.has("scorer") && !root.get("scorer").isJsonNull()) {
          parts.put(SCORER, StateJson.gson().toJson(root.get("scorer")));
        }
        parts.put(METRICS, StateJson.gson().toJson(root.get("resumePoint")));
        var datasets = root.getAsJsonArray("datasets");
        for (int i = 0; i < names.size(); i++) {
          parts.put(ComponentState.dataset(names.get(i)), StateJson.gson().toJson(datasets.get(i)));
        }
      } else if (format == FORMAT) {
        root.getAsJsonObject("components").entrySet()
            .forEach(e -> parts.put(e.getKey(), StateJson.gson().toJson(e.getValue())));
      } else {
        throw new UserError(file + ": a checkpoint state of format " + format + ", which this skillmix does not read");
      }
      return new CheckpointState(FORMAT, step, names, parts);
    } catch (IOException | JsonParseException | IllegalStateException | NullPointerException e) {
      throw new UserError(file + ": cannot read the checkpoint state (" + e.getMessage() + ")");
    }
  }
}
