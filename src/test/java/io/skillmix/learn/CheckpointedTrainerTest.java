package io.skillmix.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import io.skillmix.data.TokenizedExample;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelConfig;
import io.skillmix.run.RunSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** train.activation-checkpointing and train.loss-chunk change memory, not what a step does. */
class CheckpointedTrainerTest {

  private static io.skillmix.learn.TrainSettings settings(int lossChunk, boolean checkpointing) {
    return new io.skillmix.learn.TrainSettings(20, 4, 2, 1e-3, 0, 0.01, 0.9, 0.95, 1e-8, 1.0, 100, lossChunk, checkpointing);
  }

  /** Four sequences of random bytes, their second halves counted. */
  static List<TokenizedExample> batch(long seed) {
    Random random = new Random(seed);
    List<TokenizedExample> out = new ArrayList<>();
    for (int length : new int[] {30, 12, 25, 19}) {
      int[] ids = new int[length];
      boolean[] target = new boolean[length];
      for (int t = 0; t < length; t++) {
        ids[t] = random.nextInt(256);
        target[t] = t >= length / 2;
      }
      out.add(new TokenizedExample(ids, target));
    }
    return out;
  }

  @Test
  void checkpointedAndChunkedStepsTrainAsThePlainOne() {
    ModelConfig tiny = ModelConfig.preset("tiny");
    try (Trainer plain = new Trainer(LanguageModel.random(tiny, Device.cpu(), 6), settings(0, false), 256);
        Trainer chunked = new Trainer(LanguageModel.random(tiny, Device.cpu(), 6), settings(5, false), 256);
        Trainer checkpointed = new Trainer(LanguageModel.random(tiny, Device.cpu(), 6), settings(5, true), 256)) {
      for (int step = 0; step < 3; step++) {
        Trainer.StepResult a = plain.step(batch(4));
        Trainer.StepResult b = chunked.step(batch(4));
        Trainer.StepResult c = checkpointed.step(batch(4));
        assertEquals(a.loss(), b.loss(), 1e-5, "chunked loss, step " + step);
        assertEquals(a.loss(), c.loss(), 1e-5, "checkpointed loss, step " + step);
        assertEquals(a.gradNorm(), c.gradNorm(), 1e-5, "gradient norm, step " + step);
      }
      Map<String, float[]> w = plain.model().exportWeights();
      Map<String, float[]> v = checkpointed.model().exportWeights();
      for (String name : w.keySet()) {
        assertArrayEquals(w.get(name), v.get(name), 1e-5f, name);
      }
      int before = checkpointed.model().manager().getManagedArrays().size();
      for (int i = 0; i < 5; i++) {
        checkpointed.step(batch(4));
      }
      assertEquals(before, checkpointed.model().manager().getManagedArrays().size(), "arrays left behind");
    }
  }
}
