package io.skillmix.run;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import io.skillmix.UserError;
import io.skillmix.data.format.ColumnMapping;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads one {@code data.datasets} entry into a {@link RunSettings.DatasetSpec}, naming the entry in every refusal. */
final class DatasetSpecs {

  private DatasetSpecs() {}

  static RunSettings.DatasetSpec read(Config d, int index) {
    String where = "data.datasets[" + index + "]";
    String name = d.getString("name");
    ColumnMapping columns = ColumnMapping.of(names(d, "columns", where), names(d, "tags", where),
        where + " ('" + name + "')");
    String format = d.hasPath("format") ? d.getString("format") : "auto";
    if (columns != null && !format.equalsIgnoreCase("auto")) {
      throw new UserError(where + " ('" + name + "'): format = " + format + " and columns both say how to read"
          + " the records; columns replaces the format, so leave format out");
    }
    int maxSamples = 0;
    if (d.hasPath("max-samples")) {
      Object raw = d.getValue("max-samples").unwrapped();
      if (!(raw instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < 1
          || n.doubleValue() > Integer.MAX_VALUE) {
        throw new UserError(where + " ('" + name + "'): max-samples = "
            + d.getValue("max-samples").render(ConfigRenderOptions.concise())
            + " must be a whole number of examples, 1 or more (leave it out to use them all)");
      }
      maxSamples = n.intValue();
    }
    return new RunSettings.DatasetSpec(name, Path.of(d.getString("path")), format,
        d.hasPath("held-out") ? d.getDouble("held-out") : Double.NaN, columns, maxSamples);
  }

  /** An object of key → field name ({@code columns}, {@code tags}); empty when absent. */
  private static Map<String, String> names(Config d, String key, String where) {
    Map<String, String> out = new LinkedHashMap<>();
    if (!d.hasPath(key)) {
      return out;
    }
    if (!(d.getValue(key) instanceof com.typesafe.config.ConfigObject object)) {
      throw new UserError(where + ": " + key + " must be an object such as { prompt = question, response = answer }");
    }
    for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
      if (!(e.getValue().unwrapped() instanceof String field)) {
        throw new UserError(where + ": " + key + "." + e.getKey() + " = "
            + e.getValue().render(ConfigRenderOptions.concise()) + " must be the name of a field (a string)");
      }
      out.put(e.getKey(), field);
    }
    return out;
  }
}
