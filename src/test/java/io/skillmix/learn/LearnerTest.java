package io.skillmix.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.skillmix.data.DatasetActor;
import io.skillmix.data.TokenizedExample;
import io.skillmix.data.tokenizer.ByteTokenizer;
import io.skillmix.mix.ApplyMode;
import io.skillmix.mix.MixtureSampler;
import io.skillmix.mix.RewardEvaluator;
import io.skillmix.metrics.MetricsSink;
import io.skillmix.metrics.WeightUpdate;
import io.skillmix.mix.MixtureScorer;
import io.skillmix.testkit.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

@ExtendWith(LogCapturingExtension.class)
class LearnerTest {

  /** Timeouts run on a manual clock: they fire when a test moves it, never on their own. */
  private static final ActorTestKit testKit = ActorTestKit.create(ManualClock.config());
  private static final ManualClock clock = ManualClock.get(testKit.system());

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static final List<String> NAMES = List.of("a", "b");

  private static final ByteTokenizer TOKENIZER = new ByteTokenizer();

  private static Map<String, ActorRef<DatasetActor.Command>> datasets() {
    return LearnerFixtures.datasets(testKit, NAMES);
  }

  private static Trainer trainer() {
    return LearnerFixtures.trainer(16);
  }

  /** A learner started against probes; the evaluator probe has had its θ0 already. */
  private record Started(ActorRef<Learner.Command> learner, TestProbe<RewardEvaluator.Command> evaluator,
      TestProbe<MetricsSink.Command> metrics, TestProbe<Learner.Outcome> outcome) {}

  private static Started start(LearnerSettings settings, Map<String, ActorRef<DatasetActor.Command>> datasets) {
    TestProbe<RewardEvaluator.Command> evaluator = testKit.createTestProbe(RewardEvaluator.Command.class);
    TestProbe<MetricsSink.Command> metrics = testKit.createTestProbe(MetricsSink.Command.class);
    TestProbe<Learner.Outcome> outcome = testKit.createTestProbe(Learner.Outcome.class);
    ActorRef<Learner.Command> learner = testKit.spawn(Learner.create(settings, LearnerTest::trainer, NAMES,
        datasets, new MixtureSampler(new double[] {0.5, 0.5}, 3), evaluator.getRef(), null, metrics.getRef(), null, null, null));
    learner.tell(new Learner.Start(outcome.getRef()));
    evaluator.expectMessageClass(RewardEvaluator.Reference.class);
    return new Started(learner, evaluator, metrics, outcome);
  }

  /** Receives metrics until the train event of {@code step}; returns the weight changes seen. */
  private static List<WeightUpdate> untilStep(TestProbe<MetricsSink.Command> metrics, long step) {
    List<WeightUpdate> applied = new ArrayList<>();
    while (true) {
      MetricsSink.Command m = metrics.receiveMessage();
      if (m instanceof MetricsSink.WeightsApplied w) {
        applied.add(w.update());
      } else if (m instanceof MetricsSink.TrainStep t) {
        if (t.step() == step) {
          return applied;
        }
        if (t.step() > step) {
          throw new AssertionError("went past step " + step + " to " + t.step());
        }
      }
    }
  }

  @Test
  void aSlowEvaluatorMakesTheLaggedLearnerWaitOnlyPastItsLag() {
    LearnerSettings settings = new LearnerSettings(16, 2, 5, 3, ApplyMode.LAGGED, Duration.ofMinutes(1), null, null);
    Started run = start(settings, datasets());

    untilStep(run.metrics(), 4);
    RewardEvaluator.Evaluate first = run.evaluator().expectMessageClass(RewardEvaluator.Evaluate.class);
    assertEquals(5, first.snapshot().version());
    // The evaluator has not answered, yet steps 5..7 go ahead: its work is hidden by the lag.
    untilStep(run.metrics(), 7);
    // Step 8 = 5 + lag needs the update: the learner waits (it arms its update timeout), and
    // however long it waits short of that timeout, no step happens.
    clock.awaitScheduled(Duration.ofMinutes(1));
    clock.expectNoMessageFor(Duration.ofSeconds(59), run.metrics());
    double[] p = {0.9, 0.1};
    run.learner().tell(computed(5, p));
    List<WeightUpdate> applied = untilStep(run.metrics(), 8);
    assertEquals(1, applied.size());
    assertEquals(8, applied.get(0).effectiveStep());
    assertEquals(5, applied.get(0).version());
    assertArrayEquals(p, applied.get(0).probabilities());

    // A prompt evaluator: updates arrive before they are due and nobody waits.
    untilStep(run.metrics(), 9);
    RewardEvaluator.Evaluate second = run.evaluator().expectMessageClass(RewardEvaluator.Evaluate.class);
    assertEquals(10, second.snapshot().version());
    run.learner().tell(computed(10, new double[] {0.2, 0.8}));
    applied = untilStep(run.metrics(), 13);
    assertEquals(1, applied.size());
    assertEquals(13, applied.get(0).effectiveStep());
    Learner.Outcome end = run.outcome().receiveMessage();
    assertInstanceOf(Learner.Finished.class, end);
    assertEquals(16, ((Learner.Finished) end).steps());
  }

  @Test
  void anEvaluatorThatNeverAnswersIsSkippedAfterTheTimeout() {
    Duration timeout = Duration.ofMinutes(10);
    LearnerSettings settings = new LearnerSettings(8, 2, 4, 0, ApplyMode.SYNC, timeout, null, null);
    Started run = start(settings, datasets());
    assertEquals(4, run.evaluator().expectMessageClass(RewardEvaluator.Evaluate.class).snapshot().version());
    untilStep(run.metrics(), 3);
    assertEquals(4, run.metrics().expectMessageClass(MetricsSink.SnapshotSent.class).version());
    // Sync: step 4 needs snapshot 4's update. Just short of the timeout the learner still waits.
    clock.awaitScheduled(timeout);
    clock.expectNoMessageFor(timeout.minusMillis(1), run.metrics(), run.outcome());
    clock.timePasses(Duration.ofMillis(1));
    MetricsSink.Note skipped = run.metrics().expectMessageClass(MetricsSink.Note.class);
    assertEquals("skipped_update", skipped.event());
    assertEquals(4, skipped.step());
    assertTrue(untilStep(run.metrics(), 7).isEmpty(), "no weights applied after the skip");
    Learner.Finished end = (Learner.Finished) run.outcome().receiveMessage();
    assertEquals(8, end.steps());
    assertEquals(1, end.skippedUpdates());
    assertArrayEquals(new double[] {0.5, 0.5}, end.probabilities());
  }

  @Test
  void freeModeAppliesAnUpdateFromTheNextDrawAndNeverWaits() {
    // One probe serves both datasets: the test hands out every batch, so it knows which step the
    // learner is in when an update arrives.
    TestProbe<LearnerFixtures.Asked> data = testKit.createTestProbe(LearnerFixtures.Asked.class);
    Map<String, ActorRef<DatasetActor.Command>> datasets = LearnerFixtures.askedOf(testKit, NAMES, data);
    LearnerSettings settings = new LearnerSettings(8, 2, 2, 0, ApplyMode.FREE, Duration.ofMinutes(3), null, null);
    Started run = start(settings, datasets);
    double[] p = {0.7, 0.3};
    for (long step = 0; step < 8; step++) {
      LearnerFixtures.Asked request = data.receiveMessage();
      if (step == 2) {
        assertEquals(2, run.evaluator().expectMessageClass(RewardEvaluator.Evaluate.class).snapshot().version());
        run.learner().tell(computed(2, p)); // arrives while step 2 waits for its batch
      }
      request.request().replyTo().tell(new DatasetActor.Batch(request.dataset(), DatasetActor.StreamKind.TRAIN,
          batch(step)));
    }
    // Snapshots 4 and 6 are never answered, and the clock never moves: free mode still finishes.
    assertEquals(4, run.evaluator().expectMessageClass(RewardEvaluator.Evaluate.class).snapshot().version());
    assertEquals(6, run.evaluator().expectMessageClass(RewardEvaluator.Evaluate.class).snapshot().version());
    List<WeightUpdate> applied = untilStep(run.metrics(), 7);
    assertEquals(2, applied.size());
    assertEquals(0, applied.get(0).effectiveStep());
    assertEquals(3, applied.get(1).effectiveStep(), "from the draw after the one in progress");
    assertEquals(2, applied.get(1).version());
    assertArrayEquals(p, applied.get(1).probabilities());
    Learner.Finished end = (Learner.Finished) run.outcome().receiveMessage();
    assertEquals(8, end.steps());
    assertEquals(0, end.skippedUpdates(), "nothing waited for a deadline");
    assertArrayEquals(p, end.probabilities());
  }

  @Test
  void aFinalModelTheDiskRefusesEndsInItsOneLineWithoutATrace(@TempDir Path dir) throws IOException {
    // The OS refuses the final/ write as it refuses one on a full disk: the write's IOException.
    // Here final/'s parent is a file ("Not a directory"), which even root cannot write into.
    Path notAFolder = Files.writeString(dir.resolve("not-a-folder"), "");
    LearnerSettings settings = new LearnerSettings(2, 2, 4, 0, ApplyMode.FREE, Duration.ofMinutes(1),
        notAFolder.resolve("final"), null);
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    root.addAppender(log);
    try {
      Started run = start(settings, datasets());
      Learner.Failed failed = assertInstanceOf(Learner.Failed.class, run.outcome().receiveMessage());
      assertTrue(failed.error().getMessage().contains("final"), failed.error().getMessage());
      assertTrue(EngineFaults.userFacing(failed.error()), "the command line prints it as one line: " + failed.error());
      for (ILoggingEvent event : List.copyOf(log.list)) {
        if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
          assertNull(event.getThrowableProxy(), "a trace before the line: " + event.getFormattedMessage());
        }
      }
    } finally {
      root.detachAppender(log);
    }
  }

  /** The scorer's answer for snapshot {@code version}, as the learner's subscription delivers it. */
  private static Learner.ScorerAnswered computed(long version, double[] probabilities) {
    return new Learner.ScorerAnswered(new MixtureScorer.Computed(version, probabilities));
  }

  private static List<TokenizedExample> batch(long step) {
    return List.of(LearnerFixtures.encode("step " + step + " example 0"), LearnerFixtures.encode("step " + step + " example 1"));
  }
}
