package io.skillmix.eval;

import ai.djl.Device;
import io.skillmix.data.tokenizer.ByteTokenizer;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelConfig;
import io.skillmix.model.ModelInputs;
import io.skillmix.data.tokenizer.ChatTemplate;
import io.skillmix.data.tokenizer.ExampleEncoder;

/** A small random model over the byte vocabulary: fast, and enough to exercise every path. */
final class EvalFixtures {

  private EvalFixtures() {}

  static final ModelConfig CONFIG = new ModelConfig("llama", ByteTokenizer.VOCAB_SIZE, 32, 64, 2,
      4, 2, 8, 512, 10000.0, 1e-5, true, false, ByteTokenizer.BOS_ID, ByteTokenizer.EOS_ID);

  /** Rows padded with the byte tokenizer's pad id, as an evaluation of it pads. */
  static final ModelInputs INPUTS = ModelInputs.padded(ByteTokenizer.PAD_ID);

  /** The encoder of a run with {@code template}, the byte tokenizer and a limit no test example reaches. */
  static ExampleEncoder encoder(ChatTemplate template) {
    return new ExampleEncoder(template, new ByteTokenizer(), 4096, ExampleEncoder.Overlength.TRUNCATE);
  }

  static LanguageModel model(long seed) {
    return LanguageModel.random(CONFIG, Device.cpu(), seed);
  }
}
