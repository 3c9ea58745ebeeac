package io.skillmix.model.io;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.skillmix.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The weights of a Hugging Face model folder: one {@code model.safetensors}, or shards listed by
 * {@code model.safetensors.index.json}. Tensors are read one at a time, so a caller can stream
 * through models larger than memory.
 */
public final class ModelWeights implements AutoCloseable {

  public static final String SINGLE = "model.safetensors";
  public static final String INDEX = "model.safetensors.index.json";

  private final Map<String, SafetensorsFile> byTensor;
  private final List<SafetensorsFile> files;

  private ModelWeights(Map<String, SafetensorsFile> byTensor, List<SafetensorsFile> files) {
    this.byTensor = byTensor;
    this.files = files;
  }

  public static ModelWeights open(Path folder) {
    Path single = folder.resolve(SINGLE);
    Path index = folder.resolve(INDEX);
    List<SafetensorsFile> files = new ArrayList<>();
    Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
    try {
      if (Files.isRegularFile(single)) {
        SafetensorsFile f = SafetensorsFile.open(single);
        files.add(f);
        for (String name : f.tensors().keySet()) {
          byTensor.put(name, f);
        }
      } else if (Files.isRegularFile(index)) {
        Map<String, String> weightMap = readIndex(index);
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : weightMap.entrySet()) {
          SafetensorsFile shard = shards.get(e.getValue());
          if (shard == null) {
            Path shardPath = folder.resolve(e.getValue()).normalize();
            if (!shardPath.startsWith(folder.normalize()) || !Files.isRegularFile(shardPath)) {
              throw new UserError(index + ": shard '" + e.getValue() + "' of tensor '" + e.getKey()
                  + "' is missing from the folder");
            }
            shard = SafetensorsFile.open(shardPath);
            shards.put(e.getValue(), shard);
            files.add(shard);
          }
          if (!shard.tensors().containsKey(e.getKey())) {
            throw new UserError(index + ": tensor '" + e.getKey() + "' is not in its shard '"
                + e.getValue() + "'");
          }
          byTensor.put(e.getKey(), shard);
        }
      } else {
        throw new UserError(folder + ": no " + SINGLE + " or " + INDEX + "; is this a Hugging Face model folder?");
      }
    } catch (RuntimeException e) {
      files.forEach(SafetensorsFile::close);
      throw e;
    }
    return new ModelWeights(Collections.unmodifiableMap(byTensor), files);
  }

  private static Map<String, String> readIndex(Path index) {
    JsonObject root;
    try {
      JsonElement parsed = JsonParser.parseString(Files.readString(index, StandardCharsets.UTF_8));
      root = parsed.isJsonObject() ? parsed.getAsJsonObject() : null;
    } catch (IOException e) {
      throw new UserError(index + ": cannot read (" + e.getMessage() + ")");
    } catch (JsonParseException e) {
      throw new UserError(index + ": not valid JSON");
    }
    if (root == null || !root.has("weight_map") || !root.get("weight_map").isJsonObject()) {
      throw new UserError(index + ": no weight_map object");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : root.getAsJsonObject("weight_map").entrySet()) {
      if (!e.getValue().isJsonPrimitive()) {
        throw new UserError(index + ": weight_map entry '" + e.getKey() + "' is not a file name");
      }
      out.put(e.getKey(), e.getValue().getAsString());
    }
    return out;
  }

  public Set<String> names() {
    return byTensor.keySet();
  }

  public TensorInfo info(String name) {
    return file(name).info(name);
  }

  public float[] readFloats(String name) {
    return file(name).readFloats(name);
  }

  public TensorData read(String name) {
    return file(name).read(name);
  }

  private SafetensorsFile file(String name) {
    SafetensorsFile f = byTensor.get(name);
    if (f == null) {
      throw new UserError("no tensor named '" + name + "' in the model's weights");
    }
    return f;
  }

  /**
   * Writes the tensors as {@code model.safetensors} when they fit in {@code maxShardBytes}, else as
   * shards with an index. Each file is written whole before it replaces anything; files of an
   * earlier save that the new layout no longer uses are removed last.
   */
  public static void write(Path folder, Map<String, TensorData> tensors, DType dtype, long maxShardBytes) {
    try {
      Files.createDirectories(folder);
      List<Map<String, TensorData>> shards = new ArrayList<>();
      Map<String, TensorData> current = new LinkedHashMap<>();
      long currentBytes = 0;
      long total = 0;
      for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
        long bytes = (long) e.getValue().values().length * dtype.bytes();
        if (!current.isEmpty() && currentBytes + bytes > maxShardBytes) {
          shards.add(current);
          current = new LinkedHashMap<>();
          currentBytes = 0;
        }
        current.put(e.getKey(), e.getValue());
        currentBytes += bytes;
        total += bytes;
      }
      shards.add(current);
      Map<String, String> metadata = Map.of("format", "pt");
      List<String> written = new ArrayList<>();
      if (shards.size() == 1) {
        SafetensorsWriter.write(folder.resolve(SINGLE), shards.get(0), dtype, metadata);
        written.add(SINGLE);
      } else {
        Map<String, String> weightMap = new LinkedHashMap<>();
        for (int i = 0; i < shards.size(); i++) {
          String name = String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", i + 1, shards.size());
          SafetensorsWriter.write(folder.resolve(name), shards.get(i), dtype, metadata);
          written.add(name);
          for (String tensor : shards.get(i).keySet()) {
            weightMap.put(tensor, name);
          }
        }
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("metadata", Map.of("total_size", total));
        index.put("weight_map", weightMap);
        Gson gson = new GsonBuilder().setPrettyPrinting().create();
        Path tmp = Files.createTempFile(folder, "." + INDEX, ".tmp");
        Files.writeString(tmp, gson.toJson(index) + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, folder.resolve(INDEX), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        written.add(INDEX);
      }
      try (var stale = Files.list(folder)) {
        for (Path p : stale.toList()) {
          String name = p.getFileName().toString();
          boolean weightsFile = name.equals(SINGLE) || name.equals(INDEX)
              || name.matches("model-\\d{5}-of-\\d{5}\\.safetensors");
          if (weightsFile && !written.contains(name)) {
            Files.delete(p);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing weights to " + folder, e);
    }
  }

  @Override
  public void close() {
    files.forEach(SafetensorsFile::close);
  }
}
