package io.skillmix.mix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.data.Conversation;
import io.skillmix.data.DatasetActor;
import io.skillmix.data.TokenizedExample;
import io.skillmix.learn.Learner;
import io.skillmix.model.ParameterSnapshot;
import io.skillmix.metrics.MetricsSink;
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
class MixActorsTest {

  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void theScorerSmoothsRewardsUpdatesPsiAndPushesVersionedProbabilities() {
    TestProbe<DatasetActor.Command> d0 = testKit.createTestProbe(DatasetActor.Command.class);
    TestProbe<DatasetActor.Command> d1 = testKit.createTestProbe(DatasetActor.Command.class);
    TestProbe<MetricsSink.Command> metrics = testKit.createTestProbe(MetricsSink.Command.class);
    TestProbe<MixtureScorer.Update> learner = testKit.createTestProbe(MixtureScorer.Update.class);
    Scorer policy = Scorer.create(ScorerKind.LOGITS, 2, 1e-2, 1);
    policy.warmStart(new double[] {0.5, 0.5});
    MixturePolicy.Agent agent = new ScorerPolicies.ScorerAgent(policy, new RewardEma(2, 0.9, true), 200,
        Scorer.UpdateRule.EXPECTED);
    ActorRef<MixtureScorer.Command> scorer = testKit.spawn(MixtureScorer.create(MixValuesTest.mix().plan(), "mos",
        agent, Guardrails.none(List.of("a", "b")), List.of(d0.getRef(), d1.getRef()), metrics.getRef()));
    scorer.tell(new MixtureScorer.Subscribe(learner.getRef()));
    scorer.tell(new MixtureScorer.Rewards(100, new double[] {2.0, 0.5}, 0.1));
    learner.expectNoMessage(java.time.Duration.ofMillis(50)); // the learner's side of step 100 is not in yet
    scorer.tell(new MixtureScorer.Observed(100, true, List.of()));

    MetricsSink.RewardsComputed computed = metrics.expectMessageClass(MetricsSink.RewardsComputed.class);
    assertArrayEquals(new double[] {0.9 * 2.0 + 0.1, 0.9 * 0.5 + 0.1}, computed.smoothed(), 1e-12);
    MixtureScorer.Computed update = (MixtureScorer.Computed) learner.receiveMessage();
    assertEquals(100, update.version());
    assertTrue(update.probabilities()[0] > 0.5, "the higher reward gains");
    assertArrayEquals(computed.probabilities(), update.probabilities(), 0);
    DatasetActor.SetProbability p0 = (DatasetActor.SetProbability) d0.receiveMessage();
    DatasetActor.SetProbability p1 = (DatasetActor.SetProbability) d1.receiveMessage();
    assertEquals(update.probabilities()[0], p0.probability(), 0);
    assertEquals(update.probabilities()[1], p1.probability(), 0);
  }

  @Test
  void nonFiniteRewardsAreSkippedWithTheirReasonAndTheScorerGoesOn() {
    TestProbe<MetricsSink.Command> metrics = testKit.createTestProbe(MetricsSink.Command.class);
    TestProbe<MixtureScorer.Update> learner = testKit.createTestProbe(MixtureScorer.Update.class);
    Scorer policy = Scorer.create(ScorerKind.LOGITS, 2, 1e-2, 1);
    policy.warmStart(new double[] {0.5, 0.5});
    MixturePolicy.Agent agent = new ScorerPolicies.ScorerAgent(policy, new RewardEma(2, 0.9, true), 200,
        Scorer.UpdateRule.EXPECTED);
    ActorRef<MixtureScorer.Command> scorer = testKit.spawn(MixtureScorer.create(MixValuesTest.mix().plan(), "mos",
        agent, Guardrails.none(List.of("a", "b")), List.of(), metrics.getRef()));
    scorer.tell(new MixtureScorer.Subscribe(learner.getRef()));
    scorer.tell(new MixtureScorer.Observed(8, true, List.of()));
    scorer.tell(new MixtureScorer.Rewards(8, new double[] {Double.NaN, 0.5}, 0.1));
    MixtureScorer.NotComputed skipped = (MixtureScorer.NotComputed) learner.receiveMessage();
    assertEquals(8, skipped.version());
    assertTrue(skipped.reason().startsWith("the rewards of snapshot 8 are not finite (a NaN)"), skipped.reason());
    assertArrayEquals(new double[] {0.5, 0.5}, agent.probabilities(), 1e-12, "the agent never saw them");
    scorer.tell(new MixtureScorer.Observed(16, true, List.of()));
    scorer.tell(new MixtureScorer.Rewards(16, new double[] {2.0, 0.5}, 0.1));
    assertEquals(16, ((MixtureScorer.Computed) learner.receiveMessage()).version(), "the scorer is alive");
  }

  /** Rewards that expose what the evaluator was given: the version and each batch's size. */
  private static final class RecordingModel implements RewardEvaluator.RewardModel {
    final List<Long> versions = new ArrayList<>();
    ParameterSnapshot reference;

    @Override
    public void setReference(ParameterSnapshot theta0) {
      reference = theta0;
    }

    @Override
    public double[] rewards(ParameterSnapshot snapshot, RewardEvaluator.RewardBatches batches) {
      versions.add(snapshot.version());
      double[] r = new double[batches.train().size()];
      for (int i = 0; i < r.length; i++) {
        r[i] = snapshot.version() + batches.train().get(i).size() / 100.0 + i;
      }
      return r;
    }

    @Override
    public void close() {}
  }

  @Test
  void theEvaluatorDrawsRewardBatchesFromEveryDatasetAndAnswersInOrder() {
    Map<String, ActorRef<DatasetActor.Command>> datasets = new LinkedHashMap<>();
    for (String name : List.of("x", "y", "z")) {
      List<Conversation> examples = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        examples.add(Conversation.of(name + i, "r" + i));
      }
      datasets.put(name, testKit.spawn(DatasetActor.create(new DatasetActor.Settings(name, 1, 2), examples,
          c -> new TokenizedExample(new int[] {1, 2, 3}, new boolean[] {false, true, true}))));
    }
    TestProbe<MixtureScorer.Command> scorer = testKit.createTestProbe(MixtureScorer.Command.class);
    RecordingModel model = new RecordingModel();
    ActorRef<RewardEvaluator.Command> evaluator = testKit.spawn(RewardEvaluator.create(() -> model,
        List.of("x", "y", "z"), datasets, 6, scorer.getRef()));
    evaluator.tell(new RewardEvaluator.Reference(new ParameterSnapshot(0, Map.of("w", new float[] {1}))));
    for (long version : new long[] {10, 20, 30}) {
      evaluator.tell(new RewardEvaluator.Evaluate(new ParameterSnapshot(version, Map.of("w", new float[] {2}))));
    }
    for (long version : new long[] {10, 20, 30}) {
      MixtureScorer.Rewards rewards = (MixtureScorer.Rewards) scorer.receiveMessage();
      assertEquals(version, rewards.version());
      assertArrayEquals(new double[] {version + 0.06, version + 1.06, version + 2.06}, rewards.rewards(), 1e-12);
    }
    assertEquals(List.of(10L, 20L, 30L), model.versions);
    assertEquals(0, model.reference.version());
  }
}
