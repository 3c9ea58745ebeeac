package io.skillmix.merge;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.skillmix.UserError;
import io.skillmix.model.io.DType;
import io.skillmix.model.AdapterFolder;
import io.skillmix.model.io.ModelWeights;
import io.skillmix.model.io.TensorInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The opened weights of the inputs (and the base), checked to be one architecture with the same
 * tensor names, shapes and dtypes before anything is written. Only headers are read here.
 */
final class MergeInputs implements AutoCloseable {

  /** config.json keys that must agree: models that differ in any of them cannot be merged scalar by scalar. */
  static final List<String> ARCHITECTURE_KEYS = List.of("model_type", "architectures", "hidden_size",
      "intermediate_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads", "head_dim",
      "vocab_size", "tie_word_embeddings", "attention_bias");

  final List<Path> folders;
  final List<ModelWeights> inputs;
  final ModelWeights base;

  private MergeInputs(List<Path> folders, List<ModelWeights> inputs, ModelWeights base) {
    this.folders = folders;
    this.inputs = inputs;
    this.base = base;
  }

  /** Opens and checks every folder; the first input is the reference the others must match. */
  static MergeInputs open(List<Path> inputFolders, Path baseFolder) {
    List<Path> all = new ArrayList<>(inputFolders);
    if (baseFolder != null) {
      all.add(baseFolder);
    }
    for (Path folder : all) {
      if (AdapterFolder.isAdapter(folder)) {
        throw new UserError(folder + " holds a LoRA adapter, not a model; fold it into its base first"
            + " (skillmix model merge-lora --base BASE --adapter " + folder + " --out DIR) and merge those folders");
      }
    }
    List<JsonObject> configs = all.stream().map(MergeInputs::readConfig).toList();
    for (int i = 1; i < all.size(); i++) {
      checkArchitecture(all.get(0), configs.get(0), all.get(i), configs.get(i));
    }
    List<ModelWeights> opened = new ArrayList<>();
    try {
      for (Path folder : all) {
        opened.add(ModelWeights.open(folder));
      }
      checkTensors(all.get(0), opened.get(0));
      for (int i = 1; i < all.size(); i++) {
        checkSameTensors(all.get(0), opened.get(0), all.get(i), opened.get(i));
      }
    } catch (RuntimeException e) {
      opened.forEach(ModelWeights::close);
      throw e;
    }
    List<ModelWeights> inputs = List.copyOf(opened.subList(0, inputFolders.size()));
    return new MergeInputs(List.copyOf(all), inputs, baseFolder == null ? null : opened.get(opened.size() - 1));
  }

  static JsonObject readConfig(Path folder) {
    Path file = folder.resolve("config.json");
    if (!Files.isRegularFile(file)) {
      throw new UserError(folder + ": no config.json; is this a Hugging Face model folder?");
    }
    try {
      JsonElement json = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
      if (!json.isJsonObject()) {
        throw new UserError(file + ": not a JSON object");
      }
      return json.getAsJsonObject();
    } catch (IOException e) {
      throw new UserError(file + ": cannot read (" + e.getMessage() + ")");
    } catch (JsonParseException e) {
      throw new UserError(file + ": not valid JSON");
    }
  }

  private static void checkArchitecture(Path first, JsonObject reference, Path folder, JsonObject config) {
    for (String key : ARCHITECTURE_KEYS) {
      JsonElement expected = reference.get(key);
      JsonElement actual = config.get(key);
      if (expected == null ? actual != null : !expected.equals(actual)) {
        throw new UserError(folder.resolve("config.json") + ": " + key + " is " + actual + " but " + first
            + " has " + expected + "; only models of one architecture can be merged");
      }
    }
  }

  private static void checkTensors(Path folder, ModelWeights weights) {
    for (String name : weights.names()) {
      DType dtype = weights.info(name).dtype();
      if (!dtype.writable()) {
        throw new UserError(folder + ": tensor '" + name + "' has dtype " + dtype
            + "; only F32, F16 and BF16 weights can be merged");
      }
    }
  }

  private static void checkSameTensors(Path first, ModelWeights reference, Path folder, ModelWeights weights) {
    for (String name : reference.names()) {
      if (!weights.names().contains(name)) {
        throw new UserError(folder + ": has no tensor '" + name + "' (" + first
            + " has it); only fine-tunes of one model can be merged");
      }
      TensorInfo a = reference.info(name);
      TensorInfo b = weights.info(name);
      if (!Arrays.equals(a.shape(), b.shape()) || a.dtype() != b.dtype()) {
        throw new UserError(folder + ": tensor '" + name + "' is " + b.dtype() + " " + Arrays.toString(b.shape())
            + " but " + first + " has " + a.dtype() + " " + Arrays.toString(a.shape())
            + "; only fine-tunes of one model can be merged");
      }
    }
    for (String name : weights.names()) {
      if (!reference.names().contains(name)) {
        throw new UserError(folder + ": tensor '" + name + "' is not in " + first
            + "; only fine-tunes of one model can be merged");
      }
    }
  }

  @Override
  public void close() {
    inputs.forEach(ModelWeights::close);
    if (base != null) {
      base.close();
    }
  }
}
