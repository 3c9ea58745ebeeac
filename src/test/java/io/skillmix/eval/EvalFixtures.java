package io.skillmix.eval;

import ai.djl.Device;
import io.skillmix.data.tokenizer.ByteTokenizer;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelConfig;

/** A small random model over the byte vocabulary: fast, and enough to exercise every path. */
final class EvalFixtures {

  private EvalFixtures() {}

  static final ModelConfig CONFIG = new ModelConfig("llama", ByteTokenizer.VOCAB_SIZE, 32, 64, 2,
      4, 2, 8, 512, 10000.0, 1e-5, true, false, ByteTokenizer.BOS_ID, ByteTokenizer.EOS_ID);

  static LanguageModel model(long seed) {
    return LanguageModel.random(CONFIG, Device.cpu(), seed);
  }
}
