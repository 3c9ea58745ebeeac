package io.skillmix.model.io;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import io.skillmix.UserError;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The weights of a Hugging Face model folder: one {@code model.safetensors}, or shards listed by
 * {@code model.safetensors.index.json}. Tensors are read one at a time, so a caller can stream
 * through models larger than memory.
 */
public final class ModelWeights implements AutoCloseable {

  public static final String SINGLE = "model.safetensors";
  public static final String INDEX = "model.safetensors.index.json";

  private static final Pattern SHARD = Pattern.compile("model-\\d{5}-of-\\d{5}\\.safetensors");

  /** An index lists names and file names only; anything this large is not one. */
  private static final long MAX_INDEX_BYTES = 100L << 20;

  private final Path folder;
  private final Map<String, SafetensorsFile> byTensor;
  private final List<SafetensorsFile> files;

  private ModelWeights(Path folder, Map<String, SafetensorsFile> byTensor, List<SafetensorsFile> files) {
    this.folder = folder;
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
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : readIndex(index).entrySet()) {
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
    return new ModelWeights(folder, Collections.unmodifiableMap(byTensor), files);
  }

  /** The weight_map of an index: tensor name to shard file name, in the file's order. */
  private static Map<String, String> readIndex(Path index) {
    JsonElement parsed;
    try {
      if (Files.size(index) > MAX_INDEX_BYTES) {
        throw new UserError(index + ": over " + MAX_INDEX_BYTES + " bytes, too large for a safetensors index");
      }
      JsonReader reader = new JsonReader(new StringReader(Files.readString(index, StandardCharsets.UTF_8)));
      reader.setStrictness(Strictness.STRICT);
      parsed = JsonParser.parseReader(reader);
    } catch (IOException e) {
      throw new UserError(index + ": cannot read (" + e.getMessage() + ")");
    } catch (JsonParseException e) {
      throw new UserError(index + ": not valid JSON; re-save the model or remove the index");
    }
    JsonElement weightMap = parsed.isJsonObject() ? parsed.getAsJsonObject().get("weight_map") : null;
    if (weightMap == null || !weightMap.isJsonObject()) {
      throw new UserError(index + ": no weight_map object");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : weightMap.getAsJsonObject().entrySet()) {
      JsonElement shard = e.getValue();
      if (!shard.isJsonPrimitive() || !shard.getAsJsonPrimitive().isString()) {
        throw new UserError(index + ": weight_map entry '" + e.getKey() + "' is not a file name");
      }
      out.put(e.getKey(), shard.getAsString());
    }
    return out;
  }

  /** Every tensor name, in the order of the file or the index. */
  public Set<String> names() {
    return byTensor.keySet();
  }

  public TensorInfo info(String name) {
    return file(name).info(name);
  }

  public float[] readFloats(String name) {
    return file(name).readFloats(name);
  }

  /** Values {@code [first, first + into.length)} of one tensor; see {@link SafetensorsFile}. */
  public void readFloats(String name, long first, float[] into) {
    file(name).readFloats(name, first, into);
  }

  public TensorData read(String name) {
    return file(name).read(name);
  }

  private SafetensorsFile file(String name) {
    SafetensorsFile f = byTensor.get(name);
    if (f == null) {
      throw new UserError(folder + ": no tensor named '" + name + "' in the model's weights");
    }
    return f;
  }

  /**
   * Writes the tensors as {@code model.safetensors} when they fit in {@code maxShardBytes}, else as
   * {@code model-0000i-of-0000n.safetensors} shards with an index. See the other overload.
   */
  public static void write(Path folder, Map<String, TensorData> tensors, DType dtype, long maxShardBytes) {
    write(folder, SafetensorsWriter.shapes(tensors), dtype, maxShardBytes, name -> tensors.get(name).values());
  }

  /**
   * Writes tensors whose values are asked for one at a time, in the order of {@code shapes}. Every
   * file is written whole to a temporary and synced before any is renamed into place; the index
   * goes last, and files of an earlier save that the new layout does not use are removed after it.
   * A tensor larger than {@code maxShardBytes} gets a shard of its own, as in Hugging Face.
   */
  public static void write(Path folder, Map<String, long[]> shapes, DType dtype, long maxShardBytes,
      Function<String, float[]> values) {
    if (maxShardBytes <= 0) {
      throw new IllegalArgumentException("maxShardBytes must be positive, got " + maxShardBytes);
    }
    List<Map<String, long[]>> shards = new ArrayList<>();
    Map<String, long[]> current = new LinkedHashMap<>();
    long currentBytes = 0;
    long total = 0;
    for (Map.Entry<String, long[]> e : shapes.entrySet()) {
      long bytes = SafetensorsWriter.bytes(e.getValue(), dtype);
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

    // Transformers refuses safetensors files whose metadata lacks a known format.
    Map<String, String> metadata = Map.of("format", "pt");
    Map<String, Path> written = new LinkedHashMap<>(); // final name -> finished temporary
    try {
      if (shards.size() == 1) {
        written.put(SINGLE, SafetensorsWriter.writeTemporary(folder.resolve(SINGLE), shards.get(0), dtype,
            metadata, values));
      } else {
        Map<String, String> weightMap = new LinkedHashMap<>();
        for (int i = 0; i < shards.size(); i++) {
          String name = String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", i + 1, shards.size());
          written.put(name, SafetensorsWriter.writeTemporary(folder.resolve(name), shards.get(i), dtype,
              metadata, values));
          for (String tensor : shards.get(i).keySet()) {
            weightMap.put(tensor, name);
          }
        }
        written.put(INDEX, writeIndexTemporary(folder.resolve(INDEX), total, weightMap));
      }
    } catch (RuntimeException e) {
      written.values().forEach(SafetensorsWriter::deleteQuietly);
      throw e;
    }
    // Shards before the index: an index never names a shard that is not yet in place. Where the old
    // save used the same shard names, a crash between these renames can mix old and new shards.
    List<Map.Entry<String, Path>> toCommit = new ArrayList<>(written.entrySet());
    for (int i = 0; i < toCommit.size(); i++) {
      try {
        SafetensorsWriter.commit(toCommit.get(i).getValue(), folder.resolve(toCommit.get(i).getKey()));
      } catch (RuntimeException e) {
        toCommit.subList(i + 1, toCommit.size()).forEach(left -> SafetensorsWriter.deleteQuietly(left.getValue()));
        throw e;
      }
    }
    removeStale(folder, written.keySet());
  }

  private static Path writeIndexTemporary(Path index, long totalSize, Map<String, String> weightMap) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("metadata", Map.of("total_size", totalSize));
    json.put("weight_map", weightMap);
    String text = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(json) + "\n";
    Path tmp = SafetensorsWriter.temporaryFor(index);
    try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      SafetensorsWriter.writeFully(out, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
      out.force(true);
      return tmp;
    } catch (IOException e) {
      SafetensorsWriter.deleteQuietly(tmp);
      throw SafetensorsWriter.cannotWrite(index, e);
    }
  }

  /** Removes weight files of an earlier save (a single file, an index, shards) that were not just written. */
  private static void removeStale(Path folder, Set<String> keep) {
    try (var listing = Files.list(folder)) {
      for (Path p : listing.toList()) {
        String name = p.getFileName().toString();
        boolean weightsFile = name.equals(SINGLE) || name.equals(INDEX) || SHARD.matcher(name).matches();
        if (weightsFile && !keep.contains(name)) {
          Files.delete(p);
        }
      }
    } catch (IOException e) {
      throw new UserError(folder + ": new weights are saved but an earlier file could not be removed ("
          + e.getMessage() + "); delete the stale model-*.safetensors files by hand");
    }
  }

  @Override
  public void close() {
    files.forEach(SafetensorsFile::close);
  }
}
