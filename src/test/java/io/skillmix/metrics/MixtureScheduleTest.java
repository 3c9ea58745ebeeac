package io.skillmix.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's schedule read back (issue 30): by step, by fraction of training, and its draw-weighted mean. */
class MixtureScheduleTest {

  @TempDir Path dir;

  /** Changes at steps 0, 120, 250 and 499 of a 500-step run; every step drew 4 examples. */
  private MixtureSchedule schedule(boolean counts) throws IOException {
    Files.write(dir.resolve("weights.jsonl"), List.of(
        "{\"step\":0,\"version\":0,\"probs\":{\"a\":0.5,\"b\":0.5}}",
        "{\"step\":120,\"version\":100,\"probs\":{\"a\":0.7,\"b\":0.3}}",
        "{\"step\":250,\"version\":200,\"probs\":{\"a\":0.2,\"b\":0.8}}",
        "{\"step\":499,\"version\":450,\"probs\":{\"a\":0.9,\"b\":0.1}}"));
    List<String> metrics = new ArrayList<>();
    for (int s = 0; s < 500; s++) {
      metrics.add("{\"event\":\"train\",\"step\":" + s + ",\"loss\":1.0,"
          + (counts ? "\"losses\":{\"a\":1.0,\"b\":1.0},\"examples\":{\"a\":1,\"b\":3}," : "\"dataset\":\"a\",")
          + "\"lr\":0.001,\"grad_norm\":1.0,\"tokens\":10,\"seconds\":0.1,\"wait_seconds\":0.0}");
    }
    Files.write(dir.resolve("metrics.jsonl"), metrics);
    return MixtureSchedule.read(dir);
  }

  @Test
  void aScheduleStretchedTenfoldAppliesEachChangeAtTheSameFractionOfTraining() throws IOException {
    MixtureSchedule s = schedule(true);
    assertEquals(500, s.steps());
    for (int k = 0; k < s.changes().size(); k++) {
      long at = s.stepIn(k, 5000);
      assertEquals(10 * s.changes().get(k).effectiveStep(), at, "change " + k);
      assertEquals(s.fraction(k), (double) at / 5000, 1e-15);
      assertEquals(s.changes().get(k), s.atFraction(at, 5000), "in effect from its step");
      if (k > 0) {
        assertEquals(s.changes().get(k - 1), s.atFraction(at - 1, 5000), "not one step before");
      }
    }
    assertEquals(s.changes().get(3), s.atFraction(4999, 5000));
  }

  @Test
  void aShorterRunTakesEachChangeAtTheFirstStepPastItsFraction() throws IOException {
    MixtureSchedule s = schedule(true);
    assertEquals(0, s.stepIn(0, 7));
    assertEquals(2, s.stepIn(1, 7), "120/500 of 7 steps is 1.68: the change is in effect from step 2");
    assertEquals(4, s.stepIn(2, 7), "250/500 × 7 = 3.5");
    assertEquals(7, s.stepIn(3, 7), "499/500 × 7 = 6.986: past the run's last step, never applied");
    assertEquals(s.changes().get(2), s.atFraction(6, 7));
  }

  @Test
  void theAverageWeighsByExamplesDrawnOrBySteps() throws IOException {
    MixtureSchedule s = schedule(true);
    assertEquals("examples", s.weighting());
    assertArrayEquals(new long[] {480, 520, 996, 4}, s.drawnInEffect());
    assertArrayEquals(new long[] {500, 1500}, s.drawn());
    double a = (480 * 0.5 + 520 * 0.7 + 996 * 0.2 + 4 * 0.9) / 2000;
    assertArrayEquals(new double[] {a, 1 - a}, s.average(), 1e-12);
    assertArrayEquals(new double[] {0.5, 0.5}, s.at(119).probabilities());
    assertArrayEquals(new double[] {0.9, 0.1}, s.last());

    MixtureSchedule old = schedule(false);
    assertEquals("steps", old.weighting(), "lines from before per-dataset counts weigh by steps");
    assertArrayEquals(new long[] {120, 130, 249, 1}, old.drawnInEffect());
  }

  @Test
  void aFolderWithoutASchedule() throws IOException {
    UserError none = assertThrows(UserError.class, () -> MixtureSchedule.read(dir));
    assertTrue(none.getMessage().startsWith(dir + ": no weights.jsonl here"), none.getMessage());
    Files.writeString(dir.resolve("weights.jsonl"), "{\"step\":0,\"version\":0,\"probs\":{\"a\":1.0}}\n");
    MixtureSchedule untrained = MixtureSchedule.read(dir);
    assertEquals(0, untrained.steps());
    assertThrows(UserError.class, untrained::average);
    assertThrows(UserError.class, () -> untrained.stepIn(0, 10));
  }
}
