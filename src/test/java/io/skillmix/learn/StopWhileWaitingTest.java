package io.skillmix.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.mix.ApplyMode;
import io.skillmix.mix.MixtureSampler;
import io.skillmix.mix.RewardEvaluator;
import io.skillmix.metrics.MetricsSink;
import io.skillmix.checkpoint.Checkpointer;
import io.skillmix.checkpoint.Checkpoints;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stop request (Ctrl-C, SIGTERM) while an evaluation is in progress and the evaluator never
 * answers ends the run after {@link Learner#STOP_GRACE}, not after {@code mix.update-timeout}, with
 * a checkpoint at the step reached: the scheduler is driven by {@link ManualTime}, so the test
 * waits for no clock, and whether the stop arrives before or while the learner waits makes no
 * difference.
 */
class StopWhileWaitingTest {

  private static final ActorTestKit testKit = ActorTestKit.create(ManualTime.config());
  private static final ManualTime manualTime = ManualTime.get(testKit.system());
  private static final List<String> NAMES = List.of("a", "b");

  @TempDir static Path dir;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** The message of the next note of {@code event}; a timeout fails the test. */
  private static String awaitNote(TestProbe<MetricsSink.Command> metrics, String event) {
    while (true) {
      if (metrics.receiveMessage(Duration.ofSeconds(60)) instanceof MetricsSink.Note n && n.event().equals(event)) {
        return n.message();
      }
    }
  }

  @Test
  void aStopRequestDoesNotWaitForTheUpdateTimeoutOfAHungEvaluator() {
    TestProbe<RewardEvaluator.Command> evaluator = testKit.createTestProbe(RewardEvaluator.Command.class);
    TestProbe<MetricsSink.Command> metrics = testKit.createTestProbe(MetricsSink.Command.class);
    TestProbe<Learner.Outcome> outcome = testKit.createTestProbe(Learner.Outcome.class);
    Duration updateTimeout = Duration.ofMinutes(10);
    LearnerSettings settings = new LearnerSettings(12, 2, 4, 0, ApplyMode.SYNC, updateTimeout, null, null);
    // A real checkpointer: the stop writes a checkpoint, which waits for evaluations in progress.
    ActorRef<Checkpointer.Command> checkpointer = testKit.spawn(Checkpointer.create(NAMES, List.of(),
        Duration.ofMinutes(1)));
    LearnerSettings.Checkpointing checkpointing = new LearnerSettings.Checkpointing(new Checkpoints(dir, 2), 1000, 20, checkpointer);
    ActorRef<Learner.Command> learner = testKit.spawn(Learner.create(settings, () -> LearnerFixtures.trainer(12),
        NAMES, LearnerFixtures.datasets(testKit, NAMES), new MixtureSampler(new double[] {0.5, 0.5}, 3), evaluator.getRef(), null,
        metrics.getRef(), checkpointing, null, null));
    learner.tell(new Learner.Start(outcome.getRef()));
    evaluator.expectMessageClass(RewardEvaluator.Reference.class);
    // Sync: after 4 steps the learner waits for snapshot 4's probabilities, which never come.
    assertEquals(4, evaluator.expectMessageClass(RewardEvaluator.Evaluate.class, Duration.ofSeconds(60))
        .snapshot().version());
    learner.tell(Learner.RequestStop.INSTANCE);
    awaitNote(metrics, "stop_requested"); // the grace period has started
    manualTime.expectNoMessageFor(Learner.STOP_GRACE.minusSeconds(1), outcome);
    manualTime.timePasses(Duration.ofSeconds(1));
    Learner.Finished end = (Learner.Finished) outcome.receiveMessage(Duration.ofSeconds(60));
    assertTrue(end.stopped());
    assertEquals(4, end.steps());
    assertEquals(dir.resolve("checkpoints/step-000004").toString(), end.checkpoint());
    assertEquals(1, end.skippedUpdates());
    assertTrue(awaitNote(metrics, "skipped_update").contains("a stop was requested"));
  }
}
