package io.skillmix.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.data.TokenizedExample;
import io.skillmix.model.LoraAdapters;
import io.skillmix.model.LoraSettings;
import io.skillmix.model.ModelConfig;
import io.skillmix.model.ParameterSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training with model.lora: only adapters move, AdamW holds them alone, and a resume is exact. */
class LoraTrainerTest {

  private static final ModelConfig TINY = ModelConfig.preset("tiny");
  private static final LoraSettings LORA = new LoraSettings(4, 8, 0.1, LoraSettings.ALL_PROJECTIONS);
  private static final Trainer.Placement CPU = new Trainer.Placement("cpu", 0);

  private static TrainSettings settings(boolean checkpointing) {
    return new TrainSettings(20, 4, 2, 1e-2, 0, 0.01, 0.9, 0.95, 1e-8, 1.0, 100, 5, checkpointing);
  }

  private static List<TokenizedExample> batch(int seed) {
    return CheckpointedTrainerTest.batch(seed);
  }

  private static final int PAD = Math.max(0, TINY.eosTokenId());

  private static Trainer lora(boolean checkpointing) {
    return Trainer.create(settings(checkpointing), TINY, null, 7, CPU, PAD, LORA);
  }

  @Test
  void aStepChangesTheAdaptersAndNoBaseWeight() {
    try (Trainer trainer = lora(false)) {
      Map<String, float[]> before = trainer.model().exportWeights();
      trainer.step(batch(1));
      Map<String, float[]> after = trainer.model().exportWeights();
      int adapters = 0;
      for (String name : before.keySet()) {
        boolean changed = !Arrays.equals(before.get(name), after.get(name));
        if (LoraAdapters.isAdapterName(name)) {
          adapters++;
          assertTrue(changed, name + " is trained");
        } else {
          assertFalse(changed, name + " is frozen");
        }
      }
      assertEquals(2 * 7 * TINY.numLayers(), adapters);
      assertEquals(adapters, trainer.model().parameters().size(), "AdamW sees the adapters alone");
      ParameterSnapshot snapshot = trainer.snapshot(1);
      assertEquals(trainer.model().exportTrainable().keySet(), snapshot.weights().keySet());
      assertTrue(snapshot.weights().keySet().stream().allMatch(LoraAdapters::isAdapterName));
      assertTrue(trainer.reference().floatCount() > 10 * snapshot.floatCount(), "θ0 carries the base");
    }
  }

  @Test
  void adapterDropoutActsWhileTrainingAndRepeatsForTheSeed() {
    LoraSettings noDropout = new LoraSettings(4, 8, 0, LoraSettings.ALL_PROJECTIONS);
    try (Trainer a = lora(false); Trainer b = lora(false);
        Trainer c = Trainer.create(settings(false), TINY, null, 7, CPU, PAD, noDropout)) {
      a.step(batch(0));
      b.step(batch(0));
      c.step(batch(0));
      double la = a.step(batch(1)).loss();
      assertEquals(la, b.step(batch(1)).loss(), 0.0, "same seed, same masks");
      assertTrue(Math.abs(la - c.step(batch(1)).loss()) > 1e-6, "dropout changes the step");
    }
  }

  @Test
  void activationCheckpointingGivesTheSameStepsWithAdaptersAndDropout() {
    try (Trainer plain = lora(false); Trainer checkpointed = lora(true)) {
      for (int step = 0; step < 3; step++) {
        Trainer.StepResult a = plain.step(batch(step));
        Trainer.StepResult b = checkpointed.step(batch(step));
        assertEquals(a.loss(), b.loss(), 1e-5, "loss, step " + step);
        assertEquals(a.gradNorm(), b.gradNorm(), 1e-5, "gradient norm, step " + step);
      }
    }
  }

  @Test
  void aResumedLoraTrainerTakesExactlyTheStepsOfOneThatNeverStopped(@TempDir Path dir) throws Exception {
    Map<String, float[]> straight;
    try (Trainer trainer = lora(false)) {
      for (int step = 0; step < 4; step++) {
        trainer.step(batch(step));
        if (step == 1) {
          trainer.saveState(dir, null);
        }
      }
      straight = trainer.model().exportTrainable();
    }
    assertTrue(Files.isRegularFile(dir.resolve("model/adapter_config.json")));
    assertTrue(Files.isRegularFile(dir.resolve("model/adapter_model.safetensors")));
    assertFalse(Files.exists(dir.resolve("model/model.safetensors")), "the frozen base is not written");
    try (Trainer resumed = Trainer.restore(settings(false), dir, CPU, PAD, TINY, null, 7, LORA)) {
      assertEquals(2, resumed.stepCount());
      for (int step = 2; step < 4; step++) {
        resumed.step(batch(step));
      }
      Map<String, float[]> after = resumed.model().exportTrainable();
      for (String name : straight.keySet()) {
        assertArrayEquals(straight.get(name), after.get(name), name);
      }
    }
  }
}
