package io.skillmix.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.skillmix.data.Conversation;
import io.skillmix.data.DatasetActor;
import io.skillmix.data.TokenizedExample;
import io.skillmix.data.tokenizer.ByteTokenizer;
import io.skillmix.mix.ApplyMode;
import io.skillmix.mix.MixtureSampler;
import io.skillmix.mix.RewardEvaluator;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelConfig;
import io.skillmix.metrics.MetricsSink;
import io.skillmix.run.RunSettings;
import io.skillmix.checkpoint.Checkpointer;
import io.skillmix.checkpoint.Checkpoints;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
  private static final ByteTokenizer TOKENIZER = new ByteTokenizer();
  private static final List<String> NAMES = List.of("a", "b");

  @TempDir static Path dir;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static TokenizedExample encode(Conversation c) {
    int[] ids = TOKENIZER.encode(c.firstPrompt() + " => " + c.lastResponse());
    boolean[] target = new boolean[ids.length];
    Arrays.fill(target, ids.length / 2, ids.length, true);
    return new TokenizedExample(ids, target);
  }

  private static Trainer trainer() {
    ModelConfig config = new ModelConfig("llama", 259, 32, 64, 1, 2, 1, 16, 128, 10000.0, 1e-5, true, false, 257, 258);
    return new Trainer(LanguageModel.random(config, Device.cpu(), 1),
        new io.skillmix.learn.TrainSettings(12, 2, 2, 1e-3, 0.0, 0.0, 0.9, 0.95, 1e-8, 1.0, 1000), 0);
  }

  private static Map<String, ActorRef<DatasetActor.Command>> datasets() {
    Map<String, ActorRef<DatasetActor.Command>> out = new LinkedHashMap<>();
    for (String name : NAMES) {
      List<Conversation> examples = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        examples.add(Conversation.of(name + " question " + i, "answer " + i));
      }
      out.put(name, testKit.spawn(DatasetActor.create(new DatasetActor.Settings(name, 7, 2), examples,
          StopWhileWaitingTest::encode)));
    }
    return out;
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
    ActorRef<Learner.Command> learner = testKit.spawn(Learner.create(settings, StopWhileWaitingTest::trainer,
        NAMES, datasets(), new MixtureSampler(new double[] {0.5, 0.5}, 3), evaluator.getRef(), null,
        metrics.getRef(), checkpointing, null));
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
