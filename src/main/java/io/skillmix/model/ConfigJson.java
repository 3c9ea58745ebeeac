package io.skillmix.model;

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

/**
 * {@link ModelConfig} to and from a Hugging Face {@code config.json}, under each family's own keys.
 * What a config asks for and this decoder does not compute is refused with the key's name, never
 * ignored.
 */
final class ConfigJson {

  private ConfigJson() {}

  static ModelConfig read(Path file) {
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
      throw new UserError(file + ": not valid JSON, " + io.skillmix.JsonProblem.describe(e) + "; fix it or copy config.json again from the model's source");
    }
    try {
      return fromJson(json);
    } catch (UserError e) {
      throw new UserError(file + ": " + e.getMessage(), e);
    }
  }

  static ModelConfig fromJson(JsonObject json) {
    String type = JsonKeys.string(json, "model_type", null);
    if (type == null) {
      throw new UserError("missing key 'model_type' (one of " + ModelConfig.SUPPORTED_TYPES + ")");
    }
    type = type.toLowerCase(Locale.ROOT);
    if (type.equals("gemma3") && (json.has("text_config") || json.has("vision_config"))) {
      throw new UserError("model_type 'gemma3' with a vision_config/text_config is the multimodal Gemma 3;"
          + " only its text model (model_type gemma3_text, e.g. gemma-3-1b) is supported");
    }
    if (!ModelConfig.SUPPORTED_TYPES.contains(type)) {
      throw new UserError("model_type '" + type + "' is not supported; use one of " + ModelConfig.SUPPORTED_TYPES);
    }
    boolean gemma = type.startsWith("gemma");
    refuseUnimplemented(json, type);
    int hidden = JsonKeys.integer(json, "hidden_size", null);
    int heads = JsonKeys.integer(json, "num_attention_heads", null);
    int kvHeads = JsonKeys.integer(json, "num_key_value_heads", heads);
    int headDim = JsonKeys.get(json, "head_dim") != null ? JsonKeys.integer(json, "head_dim", null) : hidden / heads;
    int layers = JsonKeys.integer(json, "num_hidden_layers", null);
    boolean bias = type.equals("qwen2") || JsonKeys.bool(json, "attention_bias", false);
    return new ModelConfig(
        type,
        JsonKeys.integer(json, "vocab_size", null),
        hidden,
        JsonKeys.integer(json, "intermediate_size", null),
        layers,
        heads,
        kvHeads,
        headDim,
        JsonKeys.integer(json, "max_position_embeddings", 2048),
        JsonKeys.number(json, "rope_theta", type.equals("gemma3_text") ? 1_000_000.0 : 10000.0),
        JsonKeys.number(json, "rms_norm_eps", 1e-6),
        JsonKeys.bool(json, "tie_word_embeddings", gemma),
        bias,
        JsonKeys.tokenId(json, "bos_token_id", -1),
        JsonKeys.tokenId(json, "eos_token_id", -1),
        variant(json, type, layers, JsonKeys.integer(json, "max_position_embeddings", 2048)));
  }

  /** Keys whose non-default values change the computation in ways this decoder does not implement. */
  private static void refuseUnimplemented(JsonObject json, String type) {
    if (JsonKeys.bool(json, "mlp_bias", false)) {
      throw new UserError("mlp_bias = true is not supported; the MLP projections have no bias");
    }
    if (JsonKeys.bool(json, "use_sliding_window", false)) {
      throw new UserError("use_sliding_window = true is not supported for " + type + "; full attention only");
    }
    if (JsonKeys.bool(json, "use_bidirectional_attention", false)) {
      throw new UserError("use_bidirectional_attention = true is not supported; causal attention only");
    }
    if (type.equals("phi3") && JsonKeys.bool(json, "attention_bias", false)) {
      throw new UserError("attention_bias = true is not supported for phi3; its fused qkv_proj has no bias");
    }
    double partial = JsonKeys.number(json, "partial_rotary_factor", 1.0);
    if (partial != 1.0) {
      throw new UserError("partial_rotary_factor = " + partial + " is not supported; rotary covers the whole head");
    }
    if (JsonKeys.get(json, "attn_logit_softcapping") != null && !type.startsWith("gemma")) {
      throw new UserError("attn_logit_softcapping is supported for gemma2/gemma3_text only, not " + type);
    }
    if (JsonKeys.get(json, "final_logit_softcapping") != null && !type.startsWith("gemma")) {
      throw new UserError("final_logit_softcapping is supported for gemma2/gemma3_text only, not " + type);
    }
  }

  private static Variant variant(JsonObject json, String type, int layers, int maxPositions) {
    boolean gemma = type.startsWith("gemma");
    String act = gemma
        ? JsonKeys.string(json, "hidden_activation", JsonKeys.string(json, "hidden_act", Variant.GELU_TANH))
        : JsonKeys.string(json, "hidden_act", Variant.SILU);
    String actKey = gemma && JsonKeys.get(json, "hidden_activation") != null ? "hidden_activation" : "hidden_act";
    if (!act.equals(Variant.SILU) && !act.equals(Variant.GELU_TANH)) {
      throw new UserError(actKey + " '" + act + "' is not supported; use silu or gelu_pytorch_tanh");
    }
    int window = 0;
    int pattern = 0;
    boolean slidingFamily = type.equals("mistral") || type.equals("phi3") || gemma;
    if (slidingFamily && JsonKeys.get(json, "sliding_window") != null) {
      window = JsonKeys.integer(json, "sliding_window", null);
      pattern = switch (type) {
        case "gemma2" -> 2;
        case "gemma3_text" -> JsonKeys.integer(json, "sliding_window_pattern", 6);
        default -> 1;
      };
      pattern = JsonKeys.layerTypesPattern(json, layers, pattern);
    }
    double local = type.equals("gemma3_text") ? JsonKeys.number(json, "rope_local_base_freq", 10000.0) : 0;
    return new Variant(act,
        type.equals("qwen3") || type.equals("gemma3_text"),
        gemma,
        gemma ? JsonKeys.number(json, "query_pre_attn_scalar", 0) : 0,
        gemma ? JsonKeys.number(json, "attn_logit_softcapping", 0) : 0,
        gemma ? JsonKeys.number(json, "final_logit_softcapping", 0) : 0,
        window, pattern, local,
        ropeScaling(json, type, maxPositions),
        type.equals("phi3"));
  }

  private static Variant.RopeScaling ropeScaling(JsonObject json, String type, int maxPositions) {
    JsonElement e = JsonKeys.get(json, "rope_scaling");
    if (e == null) {
      return null;
    }
    if (!e.isJsonObject()) {
      throw new UserError("key 'rope_scaling' must be an object or null");
    }
    JsonObject s = e.getAsJsonObject();
    String kind = JsonKeys.string(s, "rope_type", JsonKeys.string(s, "type", "default"));
    switch (kind) {
      case "default":
        return null;
      case "linear":
        return new Variant.RopeScaling("linear", JsonKeys.number(s, "factor", 1.0), 0, 0, 0);
      case "llama3":
        if (!type.equals("llama")) {
          throw new UserError("rope_scaling type 'llama3' is supported for llama models only, not " + type);
        }
        return new Variant.RopeScaling("llama3", JsonKeys.number(s, "factor", 0),
            JsonKeys.number(s, "low_freq_factor", 0), JsonKeys.number(s, "high_freq_factor", 0),
            JsonKeys.integer(s, "original_max_position_embeddings", 0));
      case "longrope":
      case "su":
        return longrope(json, s, type, maxPositions);
      default:
        throw new UserError("rope_scaling type '" + kind + "' is not supported; supported: linear, llama3,"
            + " longrope (or none)");
    }
  }

  /** Phi-3's longrope, as transformers' _compute_longrope_parameters reads it. */
  private static Variant.RopeScaling longrope(JsonObject json, JsonObject s, String type, int maxPositions) {
    if (!type.equals("phi3")) {
      throw new UserError("rope_scaling type 'longrope' is supported for phi3 models only, not " + type);
    }
    int original = JsonKeys.integer(json, "original_max_position_embeddings",
        JsonKeys.integer(s, "original_max_position_embeddings", maxPositions));
    double factor = (double) maxPositions / original;
    double attention = JsonKeys.get(s, "attention_factor") != null
        ? JsonKeys.number(s, "attention_factor", 1.0)
        : factor <= 1 ? 1.0 : Math.sqrt(1 + Math.log(factor) / Math.log(original));
    return new Variant.RopeScaling("longrope", factor, 0, 0, original, JsonKeys.numbers(s, "short_factor"),
        JsonKeys.numbers(s, "long_factor"), attention);
  }

  /** The architectures entry Hugging Face instantiates for each model type. */
  private static String architecture(String type) {
    return switch (type) {
      case "qwen2" -> "Qwen2ForCausalLM";
      case "qwen3" -> "Qwen3ForCausalLM";
      case "mistral" -> "MistralForCausalLM";
      case "gemma2" -> "Gemma2ForCausalLM";
      case "gemma3_text" -> "Gemma3ForCausalLM";
      case "phi3" -> "Phi3ForCausalLM";
      default -> "LlamaForCausalLM";
    };
  }

  static String toJson(ModelConfig c) {
    Variant v = c.variant();
    String type = c.modelType();
    boolean gemma = v.gemmaNorms();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("architectures", new String[] {architecture(type)});
    m.put("model_type", type);
    m.put("vocab_size", c.vocabSize());
    m.put("hidden_size", c.hiddenSize());
    m.put("intermediate_size", c.intermediateSize());
    m.put("num_hidden_layers", c.numLayers());
    m.put("num_attention_heads", c.numHeads());
    m.put("num_key_value_heads", c.numKvHeads());
    m.put("head_dim", c.headDim());
    m.put("max_position_embeddings", c.maxPositionEmbeddings());
    m.put("rope_theta", c.ropeTheta());
    m.put("rms_norm_eps", c.rmsNormEps());
    m.put("tie_word_embeddings", c.tieWordEmbeddings());
    if (!type.equals("qwen2") && !type.equals("phi3")) {
      m.put("attention_bias", c.attentionBias());
    }
    m.put(gemma ? "hidden_activation" : "hidden_act", v.hiddenAct());
    if (gemma) {
      m.put("query_pre_attn_scalar", v.queryPreAttnScalar() > 0 ? v.queryPreAttnScalar() : c.headDim());
      m.put("attn_logit_softcapping", v.attnSoftcap() > 0 ? v.attnSoftcap() : null);
      m.put("final_logit_softcapping", v.finalSoftcap() > 0 ? v.finalSoftcap() : null);
    }
    if (type.equals("gemma3_text")) {
      m.put("rope_local_base_freq", v.ropeLocalTheta());
      if (v.slidingPattern() > 0) {
        m.put("sliding_window_pattern", v.slidingPattern());
      }
    }
    if (type.equals("mistral") || type.equals("phi3") || gemma) {
      m.put("sliding_window", v.slidingWindow() > 0 ? v.slidingWindow() : null);
    }
    if (v.slidingPattern() > 0) {
      String[] layerTypes = new String[c.numLayers()];
      for (int i = 0; i < layerTypes.length; i++) {
        layerTypes[i] = v.sliding(i) ? "sliding_attention" : "full_attention";
      }
      m.put("layer_types", layerTypes);
    }
    if (v.ropeScaling() != null) {
      Map<String, Object> s = new LinkedHashMap<>();
      Variant.RopeScaling r = v.ropeScaling();
      s.put("rope_type", r.type());
      s.put("factor", r.factor());
      if (r.type().equals("llama3")) {
        s.put("low_freq_factor", r.lowFreqFactor());
        s.put("high_freq_factor", r.highFreqFactor());
        s.put("original_max_position_embeddings", r.originalMaxPositions());
      }
      if (r.type().equals("longrope")) {
        s.remove("factor"); // implied by max_position_embeddings / original_max_position_embeddings
        s.put("short_factor", r.shortFactor());
        s.put("long_factor", r.longFactor());
        s.put("attention_factor", r.attentionFactor());
        m.put("original_max_position_embeddings", r.originalMaxPositions());
      }
      m.put("rope_scaling", s);
    } else {
      m.put("rope_scaling", null);
    }
    m.put("bos_token_id", c.bosTokenId());
    m.put("eos_token_id", c.eosTokenId());
    m.put("torch_dtype", "float32");
    return new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(m) + "\n";
  }

  /** One line: the family and what it adds to plain Llama. */
  static String describe(ModelConfig c) {
    Variant v = c.variant();
    StringBuilder s = new StringBuilder(c.modelType());
    if (v.qkNorm()) {
      s.append(", q/k norms");
    }
    if (v.gemmaNorms()) {
      s.append(", (1 + w) norms with pre/post feed-forward norms, embeddings × √hidden");
    }
    if (v.hiddenAct().equals(Variant.GELU_TANH)) {
      s.append(", GeGLU (tanh GELU)");
    }
    if (v.attnSoftcap() > 0 || v.finalSoftcap() > 0) {
      s.append(String.format(Locale.ROOT, ", soft-capping attention %s / logits %s",
          v.attnSoftcap() > 0 ? v.attnSoftcap() : "off", v.finalSoftcap() > 0 ? v.finalSoftcap() : "off"));
    }
    if (v.slidingPattern() > 0) {
      s.append(String.format(Locale.ROOT, ", sliding window %d on %s", v.slidingWindow(),
          v.slidingPattern() == 1 ? "every layer" : "layers i with (i + 1) % " + v.slidingPattern() + " != 0"));
    }
    if (v.ropeLocalTheta() > 0) {
      s.append(String.format(Locale.ROOT, ", local rope theta %s", v.ropeLocalTheta()));
    }
    if (v.ropeScaling() != null) {
      s.append(String.format(Locale.ROOT, ", rope scaling %s × %s", v.ropeScaling().type(), v.ropeScaling().factor()));
    }
    if (v.fused()) {
      s.append(", fused qkv_proj and gate_up_proj");
    }
    return s.toString();
  }
}
