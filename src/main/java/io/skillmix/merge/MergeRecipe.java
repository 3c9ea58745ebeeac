package io.skillmix.merge;

import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code merge_recipe.json}: how a merged folder was made, so it can be made again. */
record MergeRecipe(MergeMethod method, List<Path> inputs, Path base, double[] weights, long seed, String date,
    String version, int tensors, long parameters) {

  static final String FILE = "merge_recipe.json";

  void write(Path folder) throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("method", method.cliName());
    json.put("inputs", inputs.stream().map(p -> p.toAbsolutePath().normalize().toString()).toList());
    json.put("base", base == null ? null : base.toAbsolutePath().normalize().toString());
    json.put("weights", weights);
    json.put("seed", seed);
    json.put("date", date);
    json.put("skillmix_version", version);
    json.put("tensors", tensors);
    json.put("parameters", parameters);
    String text = new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create()
        .toJson(json) + "\n";
    Files.writeString(folder.resolve(FILE), text, StandardCharsets.UTF_8);
  }
}
