package io.skillmix.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.skillmix.data.Conversation;
import io.skillmix.data.TokenizedExample;
import io.skillmix.data.tokenizer.ByteTokenizer;
import io.skillmix.data.tokenizer.ChatTemplate;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A packed step computes the padded step's loss and gradients, on fewer positions. */
class PackingTest {

  private static ModelConfig small() {
    return new ModelConfig("llama", ByteTokenizer.VOCAB_SIZE, 64, 128, 2, 4, 2, 16, 512, 10000.0, 1e-5,
        true, false, ByteTokenizer.BOS_ID, ByteTokenizer.EOS_ID);
  }

  /** @param packLength -1: padded; 0: packed into rows as long as the longest example */
  private static TrainSettings settings(int micro, int packLength) {
    TrainSettings padded = new TrainSettings(10, 8, micro, 1e-3, 0.0, 0.0, 0.9, 0.95, 1e-8, 1.0, 1000);
    return packLength < 0 ? padded : padded.packed(packLength);
  }

  /** Examples of very different lengths, as a mixed batch has. */
  private static List<TokenizedExample> batch() {
    ByteTokenizer tokenizer = new ByteTokenizer();
    List<TokenizedExample> out = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String prompt = "question " + i + " " + "why ".repeat(i % 3 == 0 ? 40 : 1);
      String answer = "answer " + "yes ".repeat(1 + (i * 7) % 9);
      out.add(ChatTemplate.CHATML.encode(Conversation.of(prompt, answer), tokenizer));
    }
    return out;
  }

  @Test
  void aPackedBatchGivesThePaddedLossAndGradients() {
    List<TokenizedExample> batch = batch();
    int longest = batch.stream().mapToInt(TokenizedExample::length).max().orElseThrow();
    try (Trainer padded = new Trainer(LanguageModel.random(small(), Device.cpu(), 5), settings(8, -1),
            ByteTokenizer.PAD_ID);
        Trainer packed = new Trainer(LanguageModel.random(small(), Device.cpu(), 5), settings(8, 2 * longest),
            ByteTokenizer.PAD_ID);
        Trainer packedInPasses = new Trainer(LanguageModel.random(small(), Device.cpu(), 5), settings(1, 2 * longest),
            ByteTokenizer.PAD_ID);
        Trainer packedToLongest = new Trainer(LanguageModel.random(small(), Device.cpu(), 5), settings(8, 0),
            ByteTokenizer.PAD_ID);
        NDManager a = padded.model().manager().newSubManager();
        NDManager b = packed.model().manager().newSubManager();
        NDManager c = packedInPasses.model().manager().newSubManager();
        NDManager d = packedToLongest.model().manager().newSubManager()) {
      Trainer.Backward reference = padded.backward(batch, a);
      for (Trainer.Backward pass : List.of(packed.backward(batch, b), packedInPasses.backward(batch, c),
          packedToLongest.backward(batch, d))) {
        assertEquals(reference.loss(), pass.loss(), 1e-5);
        assertEquals(reference.tokens(), pass.tokens(), "the same real tokens");
        // Per-example sums (the per-dataset losses) follow each example into whichever row it packs into.
        assertArrayEquals(reference.exampleTokens(), pass.exampleTokens());
        assertArrayEquals(reference.exampleLoss(), pass.exampleLoss(), 1e-3);
        double sum = java.util.Arrays.stream(pass.exampleLoss()).sum();
        int counted = java.util.Arrays.stream(pass.exampleTokens()).sum();
        assertEquals(pass.loss(), sum / counted, 1e-5, "the loss is the token mean of the example sums");
        assertTrue(pass.padTokens() < reference.padTokens(),
            "packing pads less: " + pass.padTokens() + " vs " + reference.padTokens());
        for (int i = 0; i < reference.grads().size(); i++) {
          assertArrayEquals(reference.grads().get(i).toFloatArray(), pass.grads().get(i).toFloatArray(), 1e-5f,
              "gradient " + i);
        }
      }
    }
  }

  @Test
  void packedStepsRepeatExactly() {
    List<TokenizedExample> batch = batch();
    try (Trainer first = new Trainer(LanguageModel.random(small(), Device.cpu(), 8), settings(2, 128),
            ByteTokenizer.PAD_ID);
        Trainer second = new Trainer(LanguageModel.random(small(), Device.cpu(), 8), settings(2, 128),
            ByteTokenizer.PAD_ID)) {
      for (int s = 0; s < 3; s++) {
        Trainer.StepResult x = first.step(batch);
        Trainer.StepResult y = second.step(batch);
        assertEquals(x.loss(), y.loss(), 0, "step " + s);
        assertEquals(x.gradNorm(), y.gradNorm(), 0, "step " + s);
        assertEquals(x.tokens(), y.tokens(), "step " + s);
        assertEquals(x.padTokens(), y.padTokens(), "step " + s);
        assertArrayEquals(x.exampleLoss(), y.exampleLoss(), 0, "step " + s);
        assertArrayEquals(x.exampleTokens(), y.exampleTokens(), "step " + s);
      }
      for (int i = 0; i < first.model().parameters().size(); i++) {
        assertArrayEquals(first.model().parameters().get(i).array().toFloatArray(),
            second.model().parameters().get(i).array().toFloatArray(), 0f);
      }
    }
  }
}
