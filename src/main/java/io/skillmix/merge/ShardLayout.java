package io.skillmix.merge;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.skillmix.UserError;
import io.skillmix.model.io.ModelWeights;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which file each tensor goes to, copied from a model folder: one {@code model.safetensors}, or
 * the shards of its index with their names. The merged model is laid out like its first input.
 */
record ShardLayout(Map<String, List<String>> files, boolean sharded) {

  static ShardLayout of(Path folder, ModelWeights weights) {
    if (Files.isRegularFile(folder.resolve(ModelWeights.SINGLE))) {
      return new ShardLayout(Map.of(ModelWeights.SINGLE, List.copyOf(weights.names())), false);
    }
    // ModelWeights.open has already checked the index; only its weight_map is needed again.
    Path index = folder.resolve(ModelWeights.INDEX);
    Map<String, List<String>> files = new LinkedHashMap<>();
    try {
      JsonElement json = JsonParser.parseString(Files.readString(index, StandardCharsets.UTF_8));
      for (Map.Entry<String, JsonElement> e : json.getAsJsonObject().getAsJsonObject("weight_map").entrySet()) {
        String shard = e.getValue().getAsString();
        if (Path.of(shard).getNameCount() != 1 || shard.startsWith(".")) {
          throw new UserError(index + ": shard name '" + shard + "' of tensor '" + e.getKey()
              + "' is not a plain file name; re-save the model");
        }
        files.computeIfAbsent(shard, s -> new ArrayList<>()).add(e.getKey());
      }
    } catch (IOException e) {
      throw new UserError(index + ": cannot read (" + e.getMessage() + ")");
    }
    return new ShardLayout(files, true);
  }
}
