package io.skillmix.model;

/** Small architectures for tests: fast, and covering GQA, biases and untied heads. */
final class ModelFixtures {

  private ModelFixtures() {}

  /** Llama, GQA with 2 query heads per kv head, tied embeddings. */
  static ModelConfig llama() {
    return new ModelConfig("llama", 50, 32, 48, 2, 4, 2, 8, 64, 10000.0, 1e-5, true, false, 1, 2);
  }

  /** Qwen2: q/k/v biases, untied lm_head, a different rope theta. */
  static ModelConfig qwen2() {
    return new ModelConfig("qwen2", 60, 24, 40, 2, 6, 2, 4, 64, 1000000.0, 1e-6, false, true, 1, 2);
  }

  /** Qwen3: q/k norms, head_dim 8 with hidden 24 (not hidden / heads), no biases. */
  static ModelConfig qwen3() {
    return new ModelConfig("qwen3", 60, 24, 40, 2, 4, 2, 8, 64, 1000000.0, 1e-6, true, false, 1, 2,
        new Variant(Variant.SILU, true, false, 0, 0, 0, 0, 0, 0, null, false));
  }

  /** Mistral: a sliding window of 3, shorter than the test sequences. */
  static ModelConfig mistral() {
    return new ModelConfig("mistral", 50, 32, 48, 2, 4, 2, 8, 64, 10000.0, 1e-5, false, false, 1, 2,
        new Variant(Variant.SILU, false, false, 0, 0, 0, 3, 1, 0, null, false));
  }

  /** Gemma 2: GeGLU, (1 + w) norms, soft-capping, a window of 3 on layer 0 only. */
  static ModelConfig gemma2() {
    return new ModelConfig("gemma2", 50, 32, 48, 2, 4, 2, 8, 64, 10000.0, 1e-6, true, false, 1, 2,
        new Variant(Variant.GELU_TANH, false, true, 12, 5, 4, 3, 2, 0, null, false));
  }

  /** Gemma 3 text: q/k norms, local and global rotary bases, linear scaling on the global one. */
  static ModelConfig gemma3() {
    return new ModelConfig("gemma3_text", 50, 32, 48, 3, 4, 1, 8, 64, 1000000.0, 1e-6, true, false, 1, 2,
        new Variant(Variant.GELU_TANH, true, true, 8, 0, 0, 3, 3, 10000.0,
            new Variant.RopeScaling("linear", 4, 0, 0, 0), false));
  }

  /** Phi-3: fused qkv_proj and gate_up_proj, untied head, a window of 4. */
  static ModelConfig phi3() {
    return new ModelConfig("phi3", 50, 32, 48, 2, 4, 2, 8, 64, 10000.0, 1e-5, false, false, 1, 2,
        new Variant(Variant.SILU, false, false, 0, 0, 0, 4, 1, 0, null, true));
  }

  /** Llama 3.1/3.2: llama3 rope scaling from an original context of 16. */
  static ModelConfig llama3() {
    return new ModelConfig("llama", 50, 32, 48, 2, 4, 2, 8, 64, 500000.0, 1e-5, true, false, 1, 2,
        new Variant(Variant.SILU, false, false, 0, 0, 0, 0, 0, 0,
            new Variant.RopeScaling("llama3", 8, 1, 4, 16), false));
  }

  /** Every fixture by name. */
  static ModelConfig byName(String name) {
    return switch (name) {
      case "llama" -> llama();
      case "qwen2" -> qwen2();
      case "qwen3" -> qwen3();
      case "mistral" -> mistral();
      case "gemma2" -> gemma2();
      case "gemma3" -> gemma3();
      case "phi3" -> phi3();
      case "llama3" -> llama3();
      default -> throw new IllegalArgumentException(name);
    };
  }
}
