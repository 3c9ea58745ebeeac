package io.skillmix.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skillmix.checkpoint.StateJson;
import io.skillmix.metrics.WeightUpdate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The learner's checkpoint component keeps its JSON form: a checkpoint written before still reads. */
class LearnerStateTest {

  /** A learner state as checkpoints wrote it when pending updates were their own record. */
  private static final String WRITTEN_BEFORE = "{\"step\":12,\"sampler\":{\"probabilities\":[0.5,0.5],\"rng\":77},"
      + "\"probabilities\":[0.5,0.5],\"version\":8,"
      + "\"pending\":[{\"effectiveStep\":14,\"version\":10,\"probabilities\":[0.9,0.1]}],\"skippedUpdates\":1}";

  @Test
  void pendingUpdatesReadBackFromTheFieldNamesCheckpointsAlwaysHad() {
    LearnerState state = StateJson.read(WRITTEN_BEFORE, LearnerState.class, "the learner");
    assertEquals(List.of(new WeightUpdate(10, 14, new double[] {0.9, 0.1})), state.pending());
    String again = StateJson.write(state);
    assertEquals(state.pending(), StateJson.read(again, LearnerState.class, "the learner").pending());
    assertEquals(true, again.contains("\"pending\":[{\"version\":10,\"effectiveStep\":14,\"probabilities\":[0.9,0.1]}]"),
        again);
  }
}
