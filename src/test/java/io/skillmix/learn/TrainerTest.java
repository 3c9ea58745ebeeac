package io.skillmix.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.skillmix.data.Conversation;
import io.skillmix.data.TokenizedExample;
import io.skillmix.data.tokenizer.ByteTokenizer;
import io.skillmix.data.tokenizer.ChatTemplate;
import io.skillmix.model.Generator;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelConfig;
import io.skillmix.run.RunSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainerTest {

  /** A small byte-vocabulary model: fast enough to train to zero loss in a test. */
  private static ModelConfig small() {
    return new ModelConfig("llama", ByteTokenizer.VOCAB_SIZE, 64, 128, 2, 4, 2, 16, 512, 10000.0, 1e-5,
        true, false, ByteTokenizer.BOS_ID, ByteTokenizer.EOS_ID);
  }

  private static io.skillmix.learn.TrainSettings settings(long steps, int batch, int micro, double lr) {
    return new io.skillmix.learn.TrainSettings(steps, batch, micro, lr, 0.0, 0.0, 0.9, 0.95, 1e-8, 1.0, 1000);
  }

  private static final List<Conversation> FACTS = List.of(
      Conversation.of("2+2?", "4"),
      Conversation.of("Capital of France?", "Paris"),
      Conversation.of("Color of the sky?", "blue"),
      Conversation.of("Opposite of hot?", "cold"));

  /** Plain "Q: … A: …" text keeps sequences short; the masking path is the one training uses. */
  private static TokenizedExample encode(Conversation c, ByteTokenizer t) {
    int[] prompt = t.encode("Q: " + c.firstPrompt() + " A:");
    int[] answer = t.encode(" " + c.lastResponse());
    int[] ids = new int[prompt.length + answer.length + 1];
    boolean[] target = new boolean[ids.length];
    System.arraycopy(prompt, 0, ids, 0, prompt.length);
    System.arraycopy(answer, 0, ids, prompt.length, answer.length);
    ids[ids.length - 1] = ByteTokenizer.EOS_ID;
    Arrays.fill(target, prompt.length, ids.length, true);
    return new TokenizedExample(ids, target);
  }

  @Test
  void theModelMemorisesAHandfulOfExamplesAndGreedyGenerationReproducesThem() {
    ByteTokenizer tokenizer = new ByteTokenizer();
    List<TokenizedExample> batch = FACTS.stream().map(c -> encode(c, tokenizer)).toList();
    try (Trainer trainer = new Trainer(LanguageModel.random(small(), Device.cpu(), 1),
        settings(150, 4, 4, 1e-2), ByteTokenizer.PAD_ID)) {
      double first = trainer.step(batch).loss();
      double last = first;
      for (int i = 1; i < 150; i++) {
        last = trainer.step(batch).loss();
      }
      assertTrue(last < 0.05, "loss " + first + " -> " + last);
      int[][] prompts = FACTS.stream().map(c -> tokenizer.encode("Q: " + c.firstPrompt() + " A:"))
          .toArray(int[][]::new);
      int[][] answers = Generator.generate(trainer.model(), prompts,
          Generator.Settings.greedy(12, ByteTokenizer.EOS_ID));
      for (int i = 0; i < FACTS.size(); i++) {
        int[] answer = answers[i];
        assertEquals(ByteTokenizer.EOS_ID, answer[answer.length - 1], "ends with eos");
        assertEquals(" " + FACTS.get(i).lastResponse(),
            tokenizer.decode(Arrays.copyOf(answer, answer.length - 1)));
      }
    }
  }

  @Test
  void microBatchesGiveTheSameUpdateAsOneBatch() {
    ByteTokenizer tokenizer = new ByteTokenizer();
    List<TokenizedExample> batch = new ArrayList<>();
    for (Conversation c : FACTS) {
      batch.add(encode(c, tokenizer));
    }
    batch.add(ChatTemplate.VICUNA.encode(Conversation.of("longer prompt here", "and a longer answer"), tokenizer));
    batch.add(encode(Conversation.of("x", "y"), tokenizer));
    // Compare gradients, not updated weights: Adam divides by sqrt(v), which turns rounding noise
    // in near-zero gradients into full-size steps.
    try (Trainer whole = new Trainer(LanguageModel.random(small(), Device.cpu(), 5), settings(3, 6, 6, 1e-3), 0);
        Trainer split = new Trainer(LanguageModel.random(small(), Device.cpu(), 5), settings(3, 6, 2, 1e-3), 0);
        ai.djl.ndarray.NDManager a = whole.model().manager().newSubManager();
        ai.djl.ndarray.NDManager b = split.model().manager().newSubManager()) {
      Trainer.Backward one = whole.backward(batch, a);
      Trainer.Backward three = split.backward(batch, b);
      assertEquals(one.loss(), three.loss(), 1e-5);
      for (int i = 0; i < one.grads().size(); i++) {
        assertArrayEquals(one.grads().get(i).toFloatArray(), three.grads().get(i).toFloatArray(), 1e-6f,
            "gradient " + i);
      }
    }
  }

  @Test
  void stepsLeaveNoTensorBehind() {
    ByteTokenizer tokenizer = new ByteTokenizer();
    List<TokenizedExample> batch = FACTS.stream().map(c -> encode(c, tokenizer)).toList();
    try (Trainer trainer = new Trainer(LanguageModel.random(small(), Device.cpu(), 2),
        settings(210, 4, 2, 1e-3), ByteTokenizer.PAD_ID)) {
      for (int i = 0; i < 10; i++) {
        trainer.step(batch); // warm-up: the optimizer's moments are created here
      }
      int before = trainer.model().manager().getManagedArrays().size();
      for (int i = 0; i < 200; i++) {
        trainer.step(batch);
        trainer.snapshot(i);
      }
      int after = trainer.model().manager().getManagedArrays().size();
      assertEquals(before, after, "arrays held by the model's manager and its sub-managers");
    }
  }
}
