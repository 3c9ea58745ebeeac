package io.skillmix.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.skillmix.data.TokenizedExample;
import io.skillmix.model.ChunkedHead;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The trainer's per-example loss sums (what per-dataset losses are made of) come from the loss it
 * trains on: each example's mean is its loss alone, and together they give the batch's token mean.
 */
class ExampleLossTest {

  private static final ModelConfig CONFIG =
      new ModelConfig("llama", 259, 32, 64, 1, 2, 1, 16, 128, 10000.0, 1e-5, true, false, 257, 258);

  private static final List<TokenizedExample> BATCH = List.of(
      LearnerFixtures.encode("a short one => yes"),
      LearnerFixtures.encode("a rather longer question here => and its longer answer"),
      LearnerFixtures.encode("q => a"));

  private static Trainer trainer(int micro, int lossChunk, boolean checkpointing) {
    return new Trainer(LanguageModel.random(CONFIG, Device.cpu(), 9),
        new TrainSettings(4, BATCH.size(), micro, 1e-3, 0, 0, 0.9, 0.95, 1e-8, 1.0, 1000, lossChunk, checkpointing), 0);
  }

  private static Trainer.Backward backward(Trainer trainer, List<TokenizedExample> batch) {
    try (NDManager scope = trainer.model().manager().newSubManager()) {
      return trainer.backward(batch, scope);
    }
  }

  @Test
  void eachExamplesSumIsItsOwnLossAndTheyMakeTheBatchsTokenMean() {
    // Every path of the loss: chunked (one micro-batch and three), activation checkpointing, full logits.
    int[][] paths = {{3, ChunkedHead.DEFAULT_CHUNK, 0}, {1, 7, 0}, {2, ChunkedHead.DEFAULT_CHUNK, 1}, {3, 0, 0}};
    for (int[] path : paths) {
      String name = "micro " + path[0] + ", chunk " + path[1] + (path[2] == 1 ? ", checkpointed" : "");
      try (Trainer t = trainer(path[0], path[1], path[2] == 1)) {
        Trainer.Backward whole = backward(t, BATCH);
        double nll = 0;
        long tokens = 0;
        for (int i = 0; i < BATCH.size(); i++) {
          assertEquals(io.skillmix.model.SftLoss.countedTokens(BATCH.get(i)), whole.exampleTokens()[i], name);
          Trainer.Backward alone = backward(t, List.of(BATCH.get(i)));
          assertEquals(alone.loss(), whole.exampleLoss()[i] / whole.exampleTokens()[i], 1e-5, name + ", example " + i);
          nll += whole.exampleLoss()[i];
          tokens += whole.exampleTokens()[i];
        }
        assertEquals(whole.loss(), nll / tokens, 1e-5, name);
      }
    }
  }
}
