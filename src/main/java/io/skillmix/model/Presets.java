package io.skillmix.model;

import io.skillmix.UserError;
import java.util.List;

/**
 * Built-in architectures. {@code tiny} and {@code small} use the byte-level tokenizer and train on
 * two CPU cores; the others have the shapes and vocabulary sizes of released models (their
 * config.json on the Hugging Face hub), for {@code model init} and benchmarks: random weights only.
 */
public final class Presets {

  public static final List<String> NAMES = List.of("tiny", "small", "qwen2.5-0.5b", "qwen3-0.6b",
      "llama-3.2-1b", "gemma-2-2b", "gemma-3-1b", "mistral-7b", "phi-3-mini");

  private Presets() {}

  public static ModelConfig get(String name) {
    // The byte-level tokenizer: 256 bytes, then <pad> 256, <s> 257, </s> 258.
    int bytes = 259;
    return switch (name) {
      // 4 layers × (4·128² q/o + 2·128·64 k/v + 3·128·352 mlp) + 259·128 tied embeddings
      case "tiny" -> new ModelConfig("llama", bytes, 128, 352, 4, 4, 2, 32, 512,
          10000.0, 1e-5, true, false, 257, 258);
      // 8 layers × (2·512² + 2·512·256 + 3·512·1408) ≈ 23.6M + embeddings
      case "small" -> new ModelConfig("llama", bytes, 512, 1408, 8, 8, 4, 64, 1024,
          10000.0, 1e-5, true, false, 257, 258);
      // Qwen/Qwen2.5-0.5B-Instruct: 494M parameters, 136M of them the tied 151,936 × 896 embedding
      case "qwen2.5-0.5b" -> new ModelConfig("qwen2", 151936, 896, 4864, 24, 14, 2, 64, 32768,
          1_000_000.0, 1e-6, true, true, 151643, 151645);
      // Qwen/Qwen3-0.6B: head_dim 128 with hidden 1024 (16 heads), q/k norms
      case "qwen3-0.6b" -> new ModelConfig("qwen3", 151936, 1024, 3072, 28, 16, 8, 128, 40960,
          1_000_000.0, 1e-6, true, false, 151643, 151645,
          new Variant(Variant.SILU, true, false, 0, 0, 0, 0, 0, 0, null, false));
      // meta-llama/Llama-3.2-1B-Instruct: llama3 rope scaling × 32 from an 8,192-token original context
      case "llama-3.2-1b" -> new ModelConfig("llama", 128256, 2048, 8192, 16, 32, 8, 64, 131072,
          500_000.0, 1e-5, true, false, 128000, 128009,
          new Variant(Variant.SILU, false, false, 0, 0, 0, 0, 0, 0,
              new Variant.RopeScaling("llama3", 32, 1, 4, 8192), false));
      // google/gemma-2-2b-it: soft-capping 50 / 30, sliding window 4096 on even layers
      case "gemma-2-2b" -> new ModelConfig("gemma2", 256000, 2304, 9216, 26, 8, 4, 256, 8192,
          10000.0, 1e-6, true, false, 2, 1,
          new Variant(Variant.GELU_TANH, false, true, 256, 50, 30, 4096, 2, 0, null, false));
      // google/gemma-3-1b-it: 5 sliding layers (window 512, rope 10k) per global one (rope 1M)
      case "gemma-3-1b" -> new ModelConfig("gemma3_text", 262144, 1152, 6912, 26, 4, 1, 256, 32768,
          1_000_000.0, 1e-6, true, false, 2, 1,
          new Variant(Variant.GELU_TANH, true, true, 256, 0, 0, 512, 6, 10000.0, null, false));
      // mistralai/Mistral-7B-Instruct-v0.3: no sliding window, 32,768-token vocabulary
      case "mistral-7b" -> new ModelConfig("mistral", 32768, 4096, 14336, 32, 32, 8, 128, 32768,
          1_000_000.0, 1e-5, false, false, 1, 2);
      // microsoft/Phi-3-mini-4k-instruct: fused projections, sliding window 2047
      case "phi-3-mini" -> new ModelConfig("phi3", 32064, 3072, 8192, 32, 32, 32, 96, 4096,
          10000.0, 1e-5, false, false, 1, 32000,
          new Variant(Variant.SILU, false, false, 0, 0, 0, 2047, 1, 0, null, true));
      default -> throw new UserError("model.preset '" + name + "' is unknown; use one of " + NAMES
          + (PretrainedPresets.isPretrained(name) ? "" : " (from scratch), " + PretrainedPresets.TINY_ENGLISH
              + " (pretrained, to fine-tune)") + ", or set model.path");
    };
  }
}
