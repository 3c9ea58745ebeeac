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
}
