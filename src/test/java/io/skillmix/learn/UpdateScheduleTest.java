package io.skillmix.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.metrics.WeightUpdate;
import io.skillmix.mix.ApplyMode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The timing rules of mix.apply, step by step, without actors or clocks. */
class UpdateScheduleTest {

  private static final double[] START = {0.5, 0.5};
  private static final double[] NEW = {0.9, 0.1};

  @Test
  void laggedUpdatesTakeEffectExactlyLagStepsAfterTheirSnapshot() {
    UpdateSchedule s = new UpdateSchedule(ApplyMode.LAGGED, 3, START);
    s.sent(10);
    assertNull(s.blockingVersion(12), "not due yet: training goes on");
    assertTrue(s.received(10, NEW, 11)); // early answer: waits for its step
    assertEquals(List.of(), s.applyDue(12));
    List<WeightUpdate> applied = s.applyDue(13);
    assertEquals(1, applied.size());
    assertEquals(13, applied.get(0).effectiveStep());
    assertEquals(3, applied.get(0).effectiveStep() - applied.get(0).version(), "staleness is exactly L");
    assertArrayEquals(NEW, s.probabilities());
  }

  @Test
  void aLateLaggedUpdateBlocksAtItsStepAndSyncIsLagZero() {
    UpdateSchedule lagged = new UpdateSchedule(ApplyMode.LAGGED, 3, START);
    lagged.sent(10);
    assertEquals(10L, lagged.blockingVersion(13), "the learner waits at version + lag");
    UpdateSchedule sync = new UpdateSchedule(ApplyMode.SYNC, 0, START);
    sync.sent(10);
    assertEquals(10L, sync.blockingVersion(10));
    sync.received(10, NEW, 10);
    assertEquals(10, sync.applyDue(10).get(0).effectiveStep());
  }

  @Test
  void freeUpdatesNeverBlockAndApplyOnArrival() {
    UpdateSchedule s = new UpdateSchedule(ApplyMode.FREE, 0, START);
    s.sent(10);
    assertNull(s.blockingVersion(1000));
    s.received(10, NEW, 17);
    assertEquals(17, s.applyDue(17).get(0).effectiveStep());
  }

  @Test
  void anUpdateGivenUpOnCountsOnceAndItsLateAnswerIsIgnored() {
    UpdateSchedule s = new UpdateSchedule(ApplyMode.LAGGED, 2, START);
    s.sent(10);
    assertTrue(s.giveUp(10));
    assertFalse(s.giveUp(10));
    assertFalse(s.received(10, NEW, 12), "a late answer after a timeout is dropped");
    assertEquals(List.of(), s.applyDue(100));
    assertEquals(1, s.skipped());
    assertArrayEquals(START, s.probabilities());
  }

  /**
   * The learner's loop over 200 steps with a snapshot every 10 and answers arriving at seeded
   * random times (early, or only once the learner blocks on them): every update that takes effect
   * is exactly L steps stale in lagged mode, and 0 in sync mode (L = 0).
   */
  @Test
  void everyAppliedUpdateIsExactlyLagStepsStaleWhenTheAnswersArrive() {
    for (int lag : new int[] {0, 1, 5, 10}) {
      UpdateSchedule s = new UpdateSchedule(lag == 0 ? ApplyMode.SYNC : ApplyMode.LAGGED, lag, START);
      Random arrivals = new Random(lag);
      Deque<Long> inFlight = new ArrayDeque<>();
      List<io.skillmix.metrics.WeightUpdate> applied = new ArrayList<>();
      for (long step = 0; step < 200; step++) {
        while (!inFlight.isEmpty() && arrivals.nextInt(3) == 0) {
          assertTrue(s.received(inFlight.poll(), NEW, step));
        }
        applied.addAll(s.applyDue(step));
        while (s.blockingVersion(step) != null) { // the learner waits for it
          assertTrue(s.received(inFlight.poll(), NEW, step));
          applied.addAll(s.applyDue(step));
        }
        if ((step + 1) % 10 == 0) {
          s.sent(step + 1);
          inFlight.add(step + 1);
        }
      }
      // snapshots 10, 20, …, 190 (+ 200, which no step follows): each due before step 200 applied
      long due = java.util.stream.LongStream.iterate(10, v -> v + 10).limit(19).filter(v -> v + lag < 200).count();
      assertEquals(due, applied.size(), "lag " + lag);
      for (io.skillmix.metrics.WeightUpdate a : applied) {
        assertEquals(lag, a.effectiveStep() - a.version(),
            "lag " + lag + ": snapshot " + a.version() + " took effect at " + a.effectiveStep());
      }
    }
  }
}
