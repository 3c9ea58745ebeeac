package io.skillmix.model;

import io.skillmix.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The architecture of a decoder of one of the supported families, in the terms of a Hugging Face
 * {@code config.json} (read and written by {@link ConfigJson}).
 *
 * @param modelType one of {@link #SUPPORTED_TYPES}
 * @param attentionBias q/k/v projections carry a bias (always on for qwen2)
 * @param headDim width of one attention head; {@code hiddenSize / numHeads} unless set
 * @param variant what the family adds to plain Llama (soft-capping, sliding windows, norms, ...)
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
    int eosTokenId,
    Variant variant) {

  public static final List<String> SUPPORTED_TYPES =
      List.of("llama", "qwen2", "qwen3", "mistral", "gemma2", "gemma3_text", "phi3");

  /** A plain Llama-style architecture (no family extras). */
  public ModelConfig(String modelType, int vocabSize, int hiddenSize, int intermediateSize, int numLayers,
      int numHeads, int numKvHeads, int headDim, int maxPositionEmbeddings, double ropeTheta, double rmsNormEps,
      boolean tieWordEmbeddings, boolean attentionBias, int bosTokenId, int eosTokenId) {
    this(modelType, vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, headDim,
        maxPositionEmbeddings, ropeTheta, rmsNormEps, tieWordEmbeddings, attentionBias, bosTokenId, eosTokenId,
        Variant.PLAIN);
  }

  public ModelConfig {
    if (variant == null) {
      variant = Variant.PLAIN;
    }
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

  /** A built-in preset by name; see {@link Presets}. */
  public static ModelConfig preset(String name) {
    return Presets.get(name);
  }

  public int kvGroups() {
    return numHeads / numKvHeads;
  }

  /** Parameter count from the architecture alone (tested against the built model). */
  public long parameterCount() {
    long d = hiddenSize;
    long q = (long) numHeads * headDim;
    long kv = (long) numKvHeads * headDim;
    long attention = d * q + 2 * d * kv + q * d + (attentionBias ? q + 2 * kv : 0)
        + (variant.qkNorm() ? 2L * headDim : 0);
    long mlp = 3 * d * intermediateSize;
    long norms = (variant.gemmaNorms() ? 4 : 2) * d;
    long layers = numLayers * (attention + mlp + norms);
    long embeddings = (long) vocabSize * d * (tieWordEmbeddings ? 1 : 2);
    return layers + embeddings + d;
  }

  /** The family's name as {@code model info} prints it, with what it adds to plain Llama. */
  public String describe() {
    return ConfigJson.describe(this);
  }

  // ---------------------------------------------------------------- config.json

  /** Reads a Hugging Face {@code config.json}; every fault names the file and the key. */
  public static ModelConfig read(Path file) {
    return ConfigJson.read(file);
  }

  /** The {@code config.json} that Hugging Face transformers reads back as this architecture. */
  public String toJson() {
    return ConfigJson.toJson(this);
  }

  public void write(Path file) throws IOException {
    Files.writeString(file, toJson(), StandardCharsets.UTF_8);
  }
}
