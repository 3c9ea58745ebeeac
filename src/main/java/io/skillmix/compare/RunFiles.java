package io.skillmix.compare;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@code compare} reads back from a finished run folder: its probabilities and losses over steps. */
final class RunFiles {

  /** Probabilities that took effect at {@code step}, by dataset name. */
  record Weights(long step, Map<String, Double> probabilities) {}

  /** One training step: which dataset's batch and its loss. */
  record Loss(long step, String dataset, double loss) {}

  private RunFiles() {}

  static List<Weights> weights(Path runDir) {
    List<Weights> out = new ArrayList<>();
    for (JsonObject o : lines(runDir.resolve("weights.jsonl"))) {
      Map<String, Double> p = new LinkedHashMap<>();
      o.getAsJsonObject("probs").entrySet().forEach(e -> p.put(e.getKey(), e.getValue().getAsDouble()));
      out.add(new Weights(o.get("step").getAsLong(), p));
    }
    return out;
  }

  static List<Loss> losses(Path runDir) {
    List<Loss> out = new ArrayList<>();
    for (JsonObject o : lines(runDir.resolve("metrics.jsonl"))) {
      if (o.has("event") && o.get("event").getAsString().equals("train") && o.has("loss")
          && !o.get("loss").isJsonNull()) {
        out.add(new Loss(o.get("step").getAsLong(), o.get("dataset").getAsString(), o.get("loss").getAsDouble()));
      }
    }
    return out;
  }

  private static List<JsonObject> lines(Path file) {
    try {
      List<JsonObject> out = new ArrayList<>();
      for (String line : Files.readAllLines(file)) {
        if (!line.isBlank()) {
          out.add(JsonParser.parseString(line).getAsJsonObject());
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
