package io.skillmix.model;

import ai.djl.Device;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.skillmix.UserError;
import io.skillmix.model.io.DType;
import io.skillmix.model.io.SafetensorsFile;
import io.skillmix.model.io.SafetensorsWriter;
import io.skillmix.model.io.TensorData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A LoRA adapter folder in PEFT's layout, which {@code PeftModel.from_pretrained} loads:
 * {@code adapter_config.json} ({@code peft_type LORA}, {@code r}, {@code lora_alpha}, ...) and
 * {@code adapter_model.safetensors} with tensors {@code base_model.model.<module>.lora_A.weight}
 * (rank × in) and {@code lora_B.weight} (out × rank). skillmix adds the base's {@code config.json},
 * so the folder names its architecture.
 */
public final class AdapterFolder {

  public static final String CONFIG = "adapter_config.json";
  public static final String WEIGHTS = "adapter_model.safetensors";

  /** What an adapter folder holds: its settings, the base it was trained on, and the tensors. */
  public record Adapter(LoraSettings settings, String baseModel, Map<String, float[]> tensors) {}

  private AdapterFolder() {}

  public static boolean isAdapter(Path folder) {
    return Files.isRegularFile(folder.resolve(CONFIG));
  }

  /**
   * Writes {@code model}'s adapters and its config.json into {@code folder}.
   *
   * @param baseModel what PEFT records as base_model_name_or_path: the base folder, or null (a preset)
   */
  public static void write(LanguageModel model, Path folder, Path baseModel) {
    LoraAdapters lora = model.lora();
    try {
      Files.createDirectories(folder);
      model.config().write(folder.resolve("config.json"));
      Files.writeString(folder.resolve(CONFIG), configJson(lora, baseModel), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, TensorData> tensors = new LinkedHashMap<>();
    Map<String, float[]> values = model.exportTrainable();
    lora.parameters().forEach((name, p) ->
        tensors.put(name, new TensorData(p.getArray().getShape().getShape(), values.get(name))));
    SafetensorsWriter.write(folder.resolve(WEIGHTS), tensors, DType.F32, Map.of("format", "pt"));
  }

  /** adapter_config.json as PEFT writes it for a LoRA adapter of a causal LM (keys sorted, as PEFT does). */
  static String configJson(LoraAdapters lora, Path baseModel) {
    LoraSettings s = lora.settings();
    JsonObject json = new JsonObject();
    json.add("alpha_pattern", new JsonObject());
    json.add("base_model_name_or_path", baseModel == null ? JsonNull.INSTANCE
        : new com.google.gson.JsonPrimitive(baseModel.toAbsolutePath().normalize().toString()));
    json.addProperty("bias", "none");
    json.addProperty("fan_in_fan_out", false);
    json.addProperty("inference_mode", true);
    json.addProperty("init_lora_weights", true);
    json.add("layers_pattern", JsonNull.INSTANCE);
    json.add("layers_to_transform", JsonNull.INSTANCE);
    json.addProperty("lora_alpha", whole(s.alpha()));
    json.addProperty("lora_dropout", s.dropout());
    json.add("modules_to_save", JsonNull.INSTANCE);
    json.addProperty("peft_type", "LORA");
    json.addProperty("r", s.rank());
    json.add("rank_pattern", new JsonObject());
    json.add("revision", JsonNull.INSTANCE);
    JsonArray targets = new JsonArray();
    lora.modules().forEach(targets::add);
    json.add("target_modules", targets);
    json.addProperty("task_type", "CAUSAL_LM");
    json.addProperty("use_dora", false);
    json.addProperty("use_rslora", false);
    return new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create().toJson(json) + "\n";
  }

  /** PEFT writes an integer alpha as one. */
  private static Number whole(double x) {
    return x == Math.rint(x) && Math.abs(x) < 1e15 ? (Number) (long) x : (Number) x;
  }

  /** Reads an adapter folder; anything skillmix does not compute the way PEFT would is refused by key. */
  public static Adapter read(Path folder) {
    Adapter config = readConfig(folder);
    Path weights = folder.resolve(WEIGHTS);
    if (!Files.isRegularFile(weights)) {
      throw new UserError(folder + ": no " + WEIGHTS + " (an adapter_model.bin is not read; save with safetensors)");
    }
    Map<String, float[]> tensors = new LinkedHashMap<>();
    try (SafetensorsFile st = SafetensorsFile.open(weights)) {
      for (String name : st.tensors().keySet()) {
        float[] values = st.readFloats(name);
        LanguageModel.requireFinite(folder, name, values);
        tensors.put(name, values);
      }
    }
    return new Adapter(config.settings(), config.baseModel(), tensors);
  }

  /** adapter_config.json alone: the settings and the base, no tensors. */
  private static Adapter readConfig(Path folder) {
    Path file = folder.resolve(CONFIG);
    JsonObject json;
    try {
      JsonElement root = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
      if (!root.isJsonObject()) {
        throw new UserError(file + ": expected a JSON object");
      }
      json = root.getAsJsonObject();
    } catch (IOException e) {
      throw new UserError(file + ": cannot read (" + e.getMessage() + "); an adapter folder needs " + CONFIG);
    } catch (JsonParseException e) {
      throw new UserError(file + ": not valid JSON, " + io.skillmix.JsonProblem.describe(e));
    }
    LoraSettings settings;
    String base;
    try {
      settings = settings(json);
      base = JsonKeys.string(json, "base_model_name_or_path", null);
    } catch (UserError e) {
      throw new UserError(file + ": " + e.getMessage(), e);
    }
    return new Adapter(settings, base, Map.of());
  }

  private static LoraSettings settings(JsonObject json) {
    String type = JsonKeys.string(json, "peft_type", null);
    if (!"LORA".equals(type)) {
      throw new UserError("peft_type is " + type + "; skillmix reads LoRA adapters (peft_type LORA) only");
    }
    requireAbsent(json, "use_dora", "DoRA");
    requireAbsent(json, "use_rslora", "rank-stabilised scaling");
    requireAbsent(json, "fan_in_fan_out", "fan_in_fan_out (Conv1D layers)");
    for (String key : List.of("rank_pattern", "alpha_pattern")) {
      JsonElement e = JsonKeys.get(json, key);
      if (e != null && !(e.isJsonObject() && e.getAsJsonObject().size() == 0)) {
        throw new UserError(key + " is set; skillmix reads one rank and alpha for every module");
      }
    }
    for (String key : List.of("layers_to_transform", "modules_to_save")) {
      if (JsonKeys.get(json, key) != null) {
        throw new UserError(key + " is set; skillmix reads adapters on every layer and no saved modules");
      }
    }
    String bias = JsonKeys.string(json, "bias", "none");
    if (!bias.equals("none")) {
      throw new UserError("bias is '" + bias + "'; skillmix reads adapters with bias none");
    }
    JsonElement t = JsonKeys.get(json, "target_modules");
    if (t == null || !t.isJsonArray()) {
      throw new UserError("target_modules must be a list of module names (a regular expression is not read)");
    }
    List<String> targets = new ArrayList<>();
    t.getAsJsonArray().forEach(e -> targets.add(e.getAsString()));
    int r = JsonKeys.integer(json, "r", 8);
    double alpha = JsonKeys.number(json, "lora_alpha", 8);
    double dropout = JsonKeys.number(json, "lora_dropout", 0);
    if (r <= 0 || !(alpha > 0) || !(dropout >= 0 && dropout < 1)) {
      throw new UserError("r (" + r + ") and lora_alpha (" + alpha + ") must be positive, lora_dropout in [0, 1)");
    }
    return new LoraSettings(r, alpha, dropout, targets);
  }

  private static void requireAbsent(JsonObject json, String key, String what) {
    if (JsonKeys.bool(json, key, false)) {
      throw new UserError(key + " is true; " + what + " is not supported");
    }
  }

  /**
   * Checks that {@code adapter} was trained on {@code base}: an adapter of the same shapes loads on
   * any base of its architecture and computes nonsense there. Its {@code base_model_name_or_path}
   * must be {@code base} (the same folder here, or, for a name from elsewhere such as a hub id, the
   * same last name), unless {@code force}; an adapter of a built-in preset records none.
   */
  public static void checkBase(Path base, Path adapter, boolean force) {
    if (force || adapter == null || !isAdapter(adapter)) {
      return;
    }
    String recorded = readConfig(adapter).baseModel();
    if (recorded == null || recorded.isBlank()) {
      return;
    }
    Path given = base.toAbsolutePath().normalize();
    boolean same;
    try {
      Path named = Path.of(recorded);
      if (Files.isDirectory(named)) {
        same = Files.isDirectory(given) && Files.isSameFile(named, given);
      } else {
        same = named.getFileName() != null && given.getFileName() != null
            && named.getFileName().toString().equals(given.getFileName().toString());
      }
    } catch (IOException | java.nio.file.InvalidPathException e) {
      same = false;
    }
    if (!same) {
      throw new UserError(adapter + ": this adapter was trained on '" + recorded + "' (base_model_name_or_path of its "
          + CONFIG + "), not on " + base + "; on another base it computes nonsense. Give that base, or pass"
          + " --force-base if " + base + " is the same model");
    }
  }

  /**
   * {@code base} with the adapters of {@code adapter} on it, on {@code device}: the tensors must be
   * exactly the ones these settings give the base's architecture.
   */
  public static LanguageModel load(Path base, Path adapter, Device device) {
    Adapter read = read(adapter);
    LanguageModel model = LanguageModel.load(base, device);
    try {
      model.addLora(read.settings(), 0);
      Map<String, ?> expected = model.lora().parameters();
      for (String name : read.tensors().keySet()) {
        if (!expected.containsKey(name)) {
          throw new UserError(adapter.resolve(WEIGHTS) + ": unexpected tensor '" + name + "' for " + base
              + " with target_modules " + read.settings().targets() + "; is this the adapter of another base model?");
        }
      }
      for (String name : expected.keySet()) {
        if (!read.tensors().containsKey(name)) {
          throw new UserError(adapter.resolve(WEIGHTS) + ": tensor '" + name + "' is missing");
        }
        long size = model.lora().parameters().get(name).getArray().size();
        if (read.tensors().get(name).length != size) {
          throw new UserError(adapter.resolve(WEIGHTS) + ": tensor '" + name + "' has " + read.tensors().get(name).length
              + " values but " + base + " with r = " + read.settings().rank() + " gives " + size
              + "; is this the adapter of another base model?");
        }
      }
      model.importWeights(read.tensors());
      return model;
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * The model of {@code folder}: a plain Hugging Face folder, or, with {@code adapter} given, that
   * folder as the base of the adapter. An adapter folder given alone loads on the base its
   * {@code base_model_name_or_path} names when that is a folder here.
   */
  public static LanguageModel open(Path folder, Path adapter, Device device) {
    if (adapter != null) {
      if (!isAdapter(adapter)) {
        throw new UserError(adapter + ": not a LoRA adapter folder (no " + CONFIG + ")");
      }
      return load(folder, adapter, device);
    }
    if (!isAdapter(folder)) {
      return LanguageModel.load(folder, device);
    }
    String base = readConfig(folder).baseModel();
    if (base == null || !Files.isDirectory(Path.of(base))) {
      throw new UserError(folder + " holds a LoRA adapter whose base model "
          + (base == null ? "is a built-in preset" : "'" + base + "' is not a folder here")
          + "; give the base model folder and this folder as the adapter (--adapter), or merge them with"
          + " skillmix model merge-lora");
    }
    return load(Path.of(base), folder, device);
  }
}
