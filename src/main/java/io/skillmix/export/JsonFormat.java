package io.skillmix.export;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code --to json}: the probabilities by dataset with each file's path, what they were chosen by,
 * and what the run drew: {@code {"datasets": {name: {"path", "probability", ...}}, "source", "at", ...}}.
 */
public final class JsonFormat implements MixtureFormat {

  @Override
  public String id() {
    return "json";
  }

  @Override
  public String summary() {
    return "{\"datasets\": {name: {\"path\", \"probability\"}}, \"source\", \"at\"} and what the run drew";
  }

  @Override
  public List<ExportFile> render(Mixture m, Path out) {
    JsonObject root = new JsonObject();
    root.addProperty("source", m.run().dir().toString());
    root.addProperty("at", m.at());
    if (m.point() != null) {
      root.addProperty("step", m.point().effectiveStep());
      root.addProperty("version", m.point().version());
    } else {
      root.addProperty("weighted_by", m.schedule().weighting());
    }
    root.addProperty("steps", m.schedule().steps());
    root.addProperty("seed", m.run().seed());
    root.addProperty("digits", Rounded.DIGITS);
    if (m.run().builtin()) {
      root.addProperty("builtin_cache", m.run().cacheDir().toString());
    }
    JsonObject datasets = new JsonObject();
    long[] drawn = m.schedule().drawn();
    for (int i = 0; i < m.shares().size(); i++) {
      Mixture.Share s = m.shares().get(i);
      JsonObject d = new JsonObject();
      d.addProperty("path", s.dataset().file().toString());
      d.addProperty("probability", s.probability());
      d.addProperty("read_as", s.dataset().describe());
      d.addProperty("builtin", s.dataset().builtin());
      d.addProperty("records", s.dataset().scan().records());
      d.addProperty("examples_drawn", drawn[i]);
      datasets.add(s.dataset().name(), d);
    }
    root.add("datasets", datasets);
    String text = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(root) + "\n";
    return List.of(new ExportFile(out, text));
  }
}
