package io.skillmix.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LogCapturingExtension.class)
class LearnerTest {

  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static final List<String> NAMES = List.of("a", "b");

  private static Map<String, ActorRef<DatasetActor.Command>> datasets() {
    ByteTokenizer tokenizer = new ByteTokenizer();
    Map<String, ActorRef<DatasetActor.Command>> out = new LinkedHashMap<>();
    for (String name : NAMES) {
      List<Conversation> examples = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        examples.add(Conversation.of(name + " question " + i, "answer " + i));
      }
      out.put(name, testKit.spawn(DatasetActor.create(new DatasetActor.Settings(name, 7, 2), examples,
          c -> {
            int[] ids = tokenizer.encode(c.firstPrompt() + " => " + c.lastResponse());
            boolean[] target = new boolean[ids.length];
            java.util.Arrays.fill(target, ids.length / 2, ids.length, true);
            return new TokenizedExample(ids, target);
          })));
    }
    return out;
  }

  private static Trainer trainer() {
    ModelConfig config = new ModelConfig("llama", 259, 32, 64, 1, 2, 1, 16, 128, 10000.0, 1e-5, true, false, 257, 258);
    return new Trainer(LanguageModel.random(config, Device.cpu(), 1),
        new io.skillmix.learn.TrainSettings(16, 2, 2, 1e-3, 0.0, 0.0, 0.9, 0.95, 1e-8, 1.0, 1000), 0);
  }

  /** Receives metrics until the train event of {@code step}; returns the weight changes seen. */
  private static List<MetricsSink.WeightsApplied> untilStep(TestProbe<MetricsSink.Command> metrics, long step) {
    List<MetricsSink.WeightsApplied> applied = new ArrayList<>();
    while (true) {
      MetricsSink.Command m = metrics.receiveMessage(Duration.ofSeconds(30));
      if (m instanceof MetricsSink.WeightsApplied w) {
        applied.add(w);
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
    TestProbe<RewardEvaluator.Command> evaluator = testKit.createTestProbe(RewardEvaluator.Command.class);
    TestProbe<MetricsSink.Command> metrics = testKit.createTestProbe(MetricsSink.Command.class);
    TestProbe<Learner.Outcome> outcome = testKit.createTestProbe(Learner.Outcome.class);
    Learner.Settings settings = new Learner.Settings(16, 2, 5, 3, ApplyMode.LAGGED, Duration.ofMinutes(1), null, null);
    ActorRef<Learner.Command> learner = testKit.spawn(Learner.create(settings, LearnerTest::trainer, NAMES,
        datasets(), new MixtureSampler(new double[] {0.5, 0.5}, 3), evaluator.getRef(), metrics.getRef()));
    learner.tell(new Learner.Start(outcome.getRef()));
    evaluator.expectMessageClass(RewardEvaluator.Reference.class);

    untilStep(metrics, 4);
    RewardEvaluator.Evaluate first = evaluator.expectMessageClass(RewardEvaluator.Evaluate.class);
    assertEquals(5, first.snapshot().version());
    // The evaluator has not answered, yet steps 5..7 go ahead: its work is hidden by the lag.
    untilStep(metrics, 7);
    // Step 8 = 5 + lag needs the update: the learner waits.
    metrics.expectNoMessage(Duration.ofMillis(700));
    double[] p = {0.9, 0.1};
    learner.tell(new Learner.NewProbabilities(5, p));
    List<MetricsSink.WeightsApplied> applied = untilStep(metrics, 8);
    assertEquals(1, applied.size());
    assertEquals(8, applied.get(0).step());
    assertEquals(5, applied.get(0).version());
    assertArrayEquals(p, applied.get(0).probabilities());

    // A prompt evaluator: updates arrive before they are due and nobody waits.
    untilStep(metrics, 9);
    RewardEvaluator.Evaluate second = evaluator.expectMessageClass(RewardEvaluator.Evaluate.class);
    assertEquals(10, second.snapshot().version());
    learner.tell(new Learner.NewProbabilities(10, new double[] {0.2, 0.8}));
    applied = untilStep(metrics, 13);
    assertEquals(1, applied.size());
    assertEquals(13, applied.get(0).step());
    Learner.Outcome end = outcome.receiveMessage(Duration.ofSeconds(30));
    assertInstanceOf(Learner.Finished.class, end);
    assertEquals(16, ((Learner.Finished) end).steps());
  }

  @Test
  void anEvaluatorThatNeverAnswersIsSkippedAfterTheTimeout() {
    TestProbe<RewardEvaluator.Command> evaluator = testKit.createTestProbe(RewardEvaluator.Command.class);
    TestProbe<MetricsSink.Command> metrics = testKit.createTestProbe(MetricsSink.Command.class);
    TestProbe<Learner.Outcome> outcome = testKit.createTestProbe(Learner.Outcome.class);
    Learner.Settings settings = new Learner.Settings(8, 2, 4, 0, ApplyMode.SYNC, Duration.ofMillis(300), null, null);
    ActorRef<Learner.Command> learner = testKit.spawn(Learner.create(settings, LearnerTest::trainer, NAMES,
        datasets(), new MixtureSampler(new double[] {0.5, 0.5}, 3), evaluator.getRef(), metrics.getRef()));
    learner.tell(new Learner.Start(outcome.getRef()));
    Learner.Finished end = (Learner.Finished) outcome.receiveMessage(Duration.ofSeconds(30));
    assertEquals(8, end.steps());
    assertEquals(1, end.skippedUpdates());
    assertArrayEquals(new double[] {0.5, 0.5}, end.probabilities());
  }
}
