package io.skillmix.model;

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
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The architecture of a Llama-family decoder, in the terms of a Hugging Face {@code config.json}.
 *
 * @param modelType {@code llama} or {@code qwen2}
 * @param attentionBias q/k/v projections carry a bias (always on for qwen2)
 * @param headDim width of one attention head; {@code hiddenSize / numHeads} unless set
 */
public record ModelConfig(
    String modelType,
    int vocabSize,
    int hiddenSize,
    int intermediateSize,
    int numLayers,
    int numHeads,
    int numKvHeads,
    int headDim,
    int maxPositionEmbeddings,
    double ropeTheta,
    double rmsNormEps,
    boolean tieWordEmbeddings,
    boolean attentionBias,
    int bosTokenId,
    int eosTokenId) {

  public static final Set<String> SUPPORTED_TYPES = Set.of("llama", "qwen2");

  public ModelConfig {
    if (!SUPPORTED_TYPES.contains(modelType)) {
      throw new UserError(
          "model_type '" + modelType + "' is not supported; use one of " + SUPPORTED_TYPES);
    }
    requirePositive("vocab_size", vocabSize);
    requirePositive("hidden_size", hiddenSize);
    requirePositive("intermediate_size", intermediateSize);
    requirePositive("num_hidden_layers", numLayers);
    requirePositive("num_attention_heads", numHeads);
    requirePositive("num_key_value_heads", numKvHeads);
    requirePositive("head_dim", headDim);
    requirePositive("max_position_embeddings", maxPositionEmbeddings);
    if (numHeads % numKvHeads != 0) {
      throw new UserError(
          "num_attention_heads (" + numHeads + ") must be a multiple of num_key_value_heads ("
              + numKvHeads + ")");
    }
    if (headDim % 2 != 0) {
      throw new UserError("head_dim (" + headDim + ") must be even for rotary embeddings");
    }
    if (!(ropeTheta > 0) || !(rmsNormEps > 0)) {
      throw new UserError("rope_theta and rms_norm_eps must be positive");
    }
  }

  private static void requirePositive(String key, int value) {
    if (value <= 0) {
      throw new UserError(key + " must be positive, got " + value);
    }
  }

  /**
   * Built-in presets. {@code tiny}: about 0.77M parameters, byte-level vocabulary, trains on two
   * CPU cores in minutes. {@code small}: about 24M parameters, for benchmarks.
   */
  public static ModelConfig preset(String name) {
    // The byte-level tokenizer: 256 bytes, then <pad> 256, <s> 257, </s> 258.
    int vocabSize = 259;
    return switch (name) {
      // 4 layers × (4·128² q/o + 2·128·64 k/v + 3·128·352 mlp) + 259·128 tied embeddings
      case "tiny" -> new ModelConfig("llama", vocabSize, 128, 352, 4, 4, 2, 32, 512,
          10000.0, 1e-5, true, false, 257, 258);
      // 8 layers × (2·512² + 2·512·256 + 3·512·1408) ≈ 23.6M + embeddings
      case "small" -> new ModelConfig("llama", vocabSize, 512, 1408, 8, 8, 4, 64, 1024,
          10000.0, 1e-5, true, false, 257, 258);
      default -> throw new UserError(
          "model.preset '" + name + "' is unknown; use tiny or small, or set model.path");
    };
  }

  public int kvGroups() {
    return numHeads / numKvHeads;
  }

  /** Parameter count from the architecture alone (tested against the built model). */
  public long parameterCount() {
    long d = hiddenSize;
    long q = (long) numHeads * headDim;
    long kv = (long) numKvHeads * headDim;
    long attention = d * q + 2 * d * kv + q * d + (attentionBias ? q + 2 * kv : 0);
    long mlp = 3 * d * intermediateSize;
    long norms = 2 * d;
    long layers = numLayers * (attention + mlp + norms);
    long embeddings = (long) vocabSize * d * (tieWordEmbeddings ? 1 : 2);
    return layers + embeddings + d;
  }

  // ---------------------------------------------------------------- config.json

  /** Reads a Hugging Face {@code config.json}; every fault names the file and the key. */
  public static ModelConfig read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new UserError(file + ": not found; a model folder needs a config.json");
    } catch (IOException e) {
      throw new UserError(file + ": cannot read (" + e.getMessage() + ")");
    }
    JsonObject json;
    try {
      JsonElement root = JsonParser.parseString(text);
      if (!root.isJsonObject()) {
        throw new UserError(file + ": expected a JSON object");
      }
      json = root.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new UserError(file + ": not valid JSON (" + e.getMessage() + ")");
    }
    try {
      return fromJson(json);
    } catch (UserError e) {
      throw new UserError(file + ": " + e.getMessage(), e);
    }
  }

  static ModelConfig fromJson(JsonObject json) {
    String type = string(json, "model_type", null);
    if (type == null) {
      throw new UserError("missing key 'model_type' (llama or qwen2)");
    }
    type = type.toLowerCase(Locale.ROOT);
    // Refuse what this decoder would silently compute differently.
    if (get(json, "rope_scaling") != null) {
      throw new UserError("rope_scaling " + json.get("rope_scaling")
          + " is not supported yet; only plain rotary positions (rope_theta) are");
    }
    String act = string(json, "hidden_act", "silu");
    if (!act.equals("silu")) {
      throw new UserError("hidden_act '" + act + "' is not supported; the SwiGLU MLP uses silu");
    }
    if (bool(json, "use_sliding_window", false)) {
      throw new UserError("use_sliding_window = true is not supported; full attention only");
    }
    int hidden = integer(json, "hidden_size", null);
    int heads = integer(json, "num_attention_heads", null);
    int kvHeads = integer(json, "num_key_value_heads", heads);
    int headDim = json.has("head_dim") && !json.get("head_dim").isJsonNull()
        ? integer(json, "head_dim", null)
        : hidden / heads;
    boolean bias = type.equals("qwen2") || bool(json, "attention_bias", false);
    return new ModelConfig(
        type,
        integer(json, "vocab_size", null),
        hidden,
        integer(json, "intermediate_size", null),
        integer(json, "num_hidden_layers", null),
        heads,
        kvHeads,
        headDim,
        integer(json, "max_position_embeddings", 2048),
        number(json, "rope_theta", 10000.0),
        number(json, "rms_norm_eps", 1e-6),
        bool(json, "tie_word_embeddings", false),
        bias,
        tokenId(json, "bos_token_id", -1),
        tokenId(json, "eos_token_id", -1));
  }

  /** The {@code config.json} that Hugging Face transformers reads back as this architecture. */
  public String toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("architectures", new String[] {
        modelType.equals("qwen2") ? "Qwen2ForCausalLM" : "LlamaForCausalLM"});
    m.put("model_type", modelType);
    m.put("vocab_size", vocabSize);
    m.put("hidden_size", hiddenSize);
    m.put("intermediate_size", intermediateSize);
    m.put("num_hidden_layers", numLayers);
    m.put("num_attention_heads", numHeads);
    m.put("num_key_value_heads", numKvHeads);
    m.put("head_dim", headDim);
    m.put("max_position_embeddings", maxPositionEmbeddings);
    m.put("rope_theta", ropeTheta);
    m.put("rms_norm_eps", rmsNormEps);
    m.put("tie_word_embeddings", tieWordEmbeddings);
    if (!modelType.equals("qwen2")) {
      m.put("attention_bias", attentionBias);
    }
    m.put("hidden_act", "silu");
    m.put("bos_token_id", bosTokenId);
    m.put("eos_token_id", eosTokenId);
    m.put("torch_dtype", "float32");
    Gson gson = new GsonBuilder().setPrettyPrinting().create();
    return gson.toJson(m) + "\n";
  }

  public void write(Path file) throws IOException {
    Files.writeString(file, toJson(), StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- JSON helpers

  private static JsonElement get(JsonObject json, String key) {
    JsonElement e = json.get(key);
    return e == null || e.isJsonNull() ? null : e;
  }

  private static String string(JsonObject json, String key, String fallback) {
    JsonElement e = get(json, key);
    if (e == null) {
      return fallback;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new UserError("key '" + key + "' must be a string");
    }
    return e.getAsString();
  }

  private static int integer(JsonObject json, String key, Integer fallback) {
    JsonElement e = get(json, key);
    if (e == null) {
      if (fallback == null) {
        throw new UserError("missing key '" + key + "'");
      }
      return fallback;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
      throw new UserError("key '" + key + "' must be an integer");
    }
    double v = e.getAsDouble();
    if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
      throw new UserError("key '" + key + "' must be an integer, got " + e);
    }
    return (int) v;
  }

  private static double number(JsonObject json, String key, double fallback) {
    JsonElement e = get(json, key);
    if (e == null) {
      return fallback;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
      throw new UserError("key '" + key + "' must be a number");
    }
    return e.getAsDouble();
  }

  private static boolean bool(JsonObject json, String key, boolean fallback) {
    JsonElement e = get(json, key);
    if (e == null) {
      return fallback;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
      throw new UserError("key '" + key + "' must be true or false");
    }
    return e.getAsBoolean();
  }

  /** Token ids may be a number or (Llama-3) a list; the first entry is taken. */
  private static int tokenId(JsonObject json, String key, int fallback) {
    JsonElement e = get(json, key);
    if (e == null) {
      return fallback;
    }
    if (e.isJsonArray()) {
      return e.getAsJsonArray().isEmpty() ? fallback : e.getAsJsonArray().get(0).getAsInt();
    }
    return integer(json, key, fallback);
  }
}
