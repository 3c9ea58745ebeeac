package io.skillmix.run;

import io.skillmix.learn.LearnerSettings;
import io.skillmix.metrics.MetricsSink;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import io.skillmix.UserError;
import io.skillmix.checkpoint.Checkpoints;
import io.skillmix.data.Conversation;
import io.skillmix.data.DatasetActor;
import io.skillmix.data.TokenizedExample;
import io.skillmix.data.tokenizer.ByteTokenizer;
import io.skillmix.learn.EngineFaults;
import io.skillmix.learn.Learner;
import io.skillmix.learn.Trainer;
import io.skillmix.mix.ApplyMode;
import io.skillmix.mix.MixtureSampler;
import io.skillmix.mix.MixtureScorer;
import io.skillmix.mix.RewardEvaluator;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelConfig;
import io.skillmix.model.ParameterSnapshot;
import io.skillmix.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Faults while training: each is survived, or ends the run with one clear line. */
@ExtendWith(LogCapturingExtension.class)
class FaultsTest {

  /** Timeouts run on a manual clock: they fire when a test moves it, never on their own. */
  private static final ActorTestKit testKit = ActorTestKit.create(ManualClock.config());
  private static final ManualClock clock = ManualClock.get(testKit.system());
  private static final ByteTokenizer TOKENIZER = new ByteTokenizer();
  private static final List<String> NAMES = List.of("a", "b");

  @TempDir static Path dir;

  @BeforeAll
  static void fixtures() {
    RunFixtures.write(dir);
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static List<Conversation> examples(String name, int n) {
    List<Conversation> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Conversation.of(name + " question " + i, "answer " + i));
    }
    return out;
  }

  private static TokenizedExample encode(Conversation c) {
    int[] ids = TOKENIZER.encode(c.firstPrompt() + " => " + c.lastResponse());
    boolean[] target = new boolean[ids.length];
    Arrays.fill(target, ids.length / 2, ids.length, true);
    return new TokenizedExample(ids, target);
  }

  private static List<int[]> draw(ActorRef<DatasetActor.Command> actor, DatasetActor.StreamKind kind, int n) {
    TestProbe<DatasetActor.Batch> probe = testKit.createTestProbe(DatasetActor.Batch.class);
    List<int[]> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      actor.tell(new DatasetActor.RequestBatch(kind, 3, probe.getRef()));
      for (TokenizedExample e : probe.receiveMessage().examples()) {
        ids.add(e.ids());
      }
    }
    return ids;
  }

  @Test
  void aDatasetActorThatThrowsMidStreamRestartsFromItsLastCursor() {
    List<Conversation> data = examples("a", 17);
    DatasetActor.Settings settings = new DatasetActor.Settings("a", 5, 2);
    ActorRef<DatasetActor.Command> clean = testKit.spawn(DatasetActor.create(settings, data, FaultsTest::encode));
    // An I/O-like fault on the 20th and the 41st encoding: the stream must go on as if none happened.
    AtomicInteger calls = new AtomicInteger();
    Function<Conversation, TokenizedExample> flaky = c -> {
      int n = calls.incrementAndGet();
      if (n == 20 || n == 41) {
        throw new IllegalStateException("disk read failed (simulated)");
      }
      return encode(c);
    };
    List<String> restarts = new CopyOnWriteArrayList<>();
    ActorRef<DatasetActor.Command> faulty = testKit.spawn(
        DatasetActor.supervised(settings, data, List.of(), flaky, 3, restarts::add));
    // 14 batches of 3 need at least 42 encodings, so both faults have happened (and their restarts
    // been reported) before the last batch arrives, however far the prefetch ran ahead.
    List<int[]> expected = draw(clean, DatasetActor.StreamKind.TRAIN, 14);
    List<int[]> got = draw(faulty, DatasetActor.StreamKind.TRAIN, 14);
    assertEquals(expected.size(), got.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), got.get(i), "example " + i);
    }
    assertEquals(2, restarts.size(), restarts.toString());
    assertTrue(restarts.get(0).contains("disk read failed"), restarts.get(0));
    assertArrayEquals(draw(clean, DatasetActor.StreamKind.REWARD, 2).get(0),
        draw(faulty, DatasetActor.StreamKind.REWARD, 2).get(0));
  }

  @Test
  void aDatasetActorPastItsRestartBudgetStops() {
    Function<Conversation, TokenizedExample> broken = c -> {
      throw new IllegalStateException("always broken");
    };
    ActorRef<DatasetActor.Command> actor = testKit.spawn(DatasetActor.supervised(
        new DatasetActor.Settings("a", 5, 2), examples("a", 5), List.of(), broken, 2, line -> {}));
    TestProbe<DatasetActor.Batch> probe = testKit.createTestProbe(DatasetActor.Batch.class);
    actor.tell(new DatasetActor.RequestBatch(DatasetActor.StreamKind.TRAIN, 2, probe.getRef()));
    probe.expectTerminated(actor);
  }

  /**
   * A reward model whose first snapshot goes wrong ({@code trouble} throws or blocks), after which
   * every model of the run gives {@code rewards}; {@code created} counts the models made.
   */
  private static final class TroubledOnce implements RewardEvaluator.RewardModel {
    private final AtomicInteger calls;
    private final Runnable trouble;
    private final double[] rewards;
    private ParameterSnapshot reference;

    TroubledOnce(AtomicInteger created, AtomicInteger calls, Runnable trouble, double[] rewards) {
      created.incrementAndGet();
      this.calls = calls;
      this.trouble = trouble;
      this.rewards = rewards;
    }

    @Override
    public void setReference(ParameterSnapshot theta0) {
      reference = theta0;
    }

    @Override
    public double[] rewards(ParameterSnapshot snapshot, RewardEvaluator.RewardBatches batches) {
      if (calls.incrementAndGet() == 1) {
        trouble.run();
        return new double[] {1, 0}; // a late answer after a hang: must never reach the scorer
      }
      assertTrue(reference != null, "the restarted model has θ0 again");
      return rewards;
    }

    @Override
    public void close() {}
  }

  private static Map<String, ActorRef<DatasetActor.Command>> datasets() {
    Map<String, ActorRef<DatasetActor.Command>> out = new LinkedHashMap<>();
    for (String name : NAMES) {
      out.put(name, testKit.spawn(DatasetActor.create(new DatasetActor.Settings(name, 7, 2),
          examples(name, 20), FaultsTest::encode)));
    }
    return out;
  }

  @Test
  void aFailingEvaluatorIsRestartedAndItsUpdateSkippedWhileTheNextOnesApply() {
    TestProbe<MixtureScorer.Command> scorer = testKit.createTestProbe(MixtureScorer.Command.class);
    AtomicInteger created = new AtomicInteger();
    AtomicInteger calls = new AtomicInteger();
    Runnable crash = () -> {
      throw new IllegalStateException("evaluator crashed (simulated)");
    };
    ActorRef<RewardEvaluator.Command> evaluator = testKit.spawn(RewardEvaluator.create(
        () -> new TroubledOnce(created, calls, crash, new double[] {0.25, 0.75}),
        NAMES, datasets(), 2, scorer.getRef()));
    ParameterSnapshot snapshot = new ParameterSnapshot(0, Map.of());
    evaluator.tell(new RewardEvaluator.Reference(snapshot));
    evaluator.tell(new RewardEvaluator.Evaluate(new ParameterSnapshot(4, Map.of())));
    evaluator.tell(new RewardEvaluator.Evaluate(new ParameterSnapshot(8, Map.of())));
    MixtureScorer.RewardsFailed failed = scorer.expectMessageClass(MixtureScorer.RewardsFailed.class);
    assertEquals(4, failed.version());
    assertTrue(failed.reason().contains("evaluator crashed"), failed.reason());
    MixtureScorer.Rewards next = scorer.expectMessageClass(MixtureScorer.Rewards.class);
    assertEquals(8, next.version());
    assertArrayEquals(new double[] {0.25, 0.75}, next.rewards());
    assertEquals(2, created.get(), "one restart of the reward model");
  }

  /** A computation that blocks until {@code release}, noting its thread; {@code hanging} opens when it starts. */
  private record Hang(CountDownLatch release, CountDownLatch hanging, AtomicReference<Thread> thread)
      implements Runnable {
    Hang() {
      this(new CountDownLatch(1), new CountDownLatch(1), new AtomicReference<>());
    }

    @Override
    public void run() {
      thread.set(Thread.currentThread());
      hanging.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** An evaluator whose first computation hangs on {@code hang}; every model after gives {0.4, 0.6}. */
  private static ActorRef<RewardEvaluator.Command> hangingOnce(Hang hang, AtomicInteger created,
      TestProbe<MixtureScorer.Command> scorer) {
    AtomicInteger calls = new AtomicInteger();
    return testKit.spawn(RewardEvaluator.create(() -> new TroubledOnce(created, calls, hang, new double[] {0.4, 0.6}),
        NAMES, datasets(), 2, scorer.getRef()));
  }

  @Test
  void aHungEvaluatorIsReplacedWhenTheLearnerAbandonsItsSnapshotAndLaterUpdatesGoOn() throws InterruptedException {
    TestProbe<MixtureScorer.Command> scorer = testKit.createTestProbe(MixtureScorer.Command.class);
    AtomicInteger created = new AtomicInteger();
    Hang hang = new Hang();
    ActorRef<RewardEvaluator.Command> evaluator = hangingOnce(hang, created, scorer);
    evaluator.tell(new RewardEvaluator.Reference(new ParameterSnapshot(0, Map.of())));
    evaluator.tell(new RewardEvaluator.Evaluate(new ParameterSnapshot(4, Map.of())));
    evaluator.tell(new RewardEvaluator.Evaluate(new ParameterSnapshot(8, Map.of())));
    try {
      // Snapshot 4's computation hangs; the evaluator keeps no deadline of its own: only the
      // learner's Abandon replaces the model, and the scorer hears nothing about snapshot 4.
      assertTrue(hang.hanging().await(30, TimeUnit.SECONDS), "snapshot 4 reached the reward model");
      evaluator.tell(new RewardEvaluator.Abandon(4));
      MixtureScorer.Rewards next = scorer.expectMessageClass(MixtureScorer.Rewards.class);
      assertEquals(8, next.version());
      assertArrayEquals(new double[] {0.4, 0.6}, next.rewards());
      assertEquals(2, created.get(), "one replacement reward model");
    } finally {
      hang.release().countDown();
    }
    // The abandoned thread returns its late answer for snapshot 4, then ends (its executor was
    // shut down). Once it has ended, that answer is in the evaluator's mailbox ahead of the next
    // snapshot: the scorer must hear snapshot 12 next, never the late one.
    hang.thread().get().join(Duration.ofMinutes(1).toMillis());
    assertTrue(!hang.thread().get().isAlive(), "the abandoned worker thread ended");
    evaluator.tell(new RewardEvaluator.Evaluate(new ParameterSnapshot(12, Map.of())));
    MixtureScorer.Command after = scorer.receiveMessage();
    assertInstanceOf(MixtureScorer.Rewards.class, after);
    assertEquals(12, ((MixtureScorer.Rewards) after).version());
  }

  @Test
  void aHungEvaluatorCostsOneUpdateThroughTheLearnersDeadlineOnly() throws InterruptedException {
    TestProbe<MixtureScorer.Command> scorer = testKit.createTestProbe(MixtureScorer.Command.class);
    TestProbe<MetricsSink.Command> metrics = testKit.createTestProbe(MetricsSink.Command.class);
    TestProbe<Learner.Outcome> outcome = testKit.createTestProbe(Learner.Outcome.class);
    AtomicInteger created = new AtomicInteger();
    Hang hang = new Hang();
    ActorRef<RewardEvaluator.Command> evaluator = hangingOnce(hang, created, scorer);
    Duration timeout = Duration.ofMinutes(7);
    LearnerSettings settings = new LearnerSettings(12, 2, 4, 0, ApplyMode.SYNC, timeout, null, null);
    ActorRef<Learner.Command> learner = testKit.spawn(Learner.create(settings, FaultsTest::trainer, NAMES,
        datasets(), new MixtureSampler(new double[] {0.5, 0.5}, 3), evaluator, null, metrics.getRef(), null, null, null));
    learner.tell(new Learner.Start(outcome.getRef()));
    try {
      // Sync: step 4 waits for snapshot 4, whose computation hangs. One deadline runs (the
      // learner's); short of it nothing happens, at it the update is skipped.
      clock.awaitScheduled(timeout);
      assertTrue(hang.hanging().await(30, TimeUnit.SECONDS), "snapshot 4 reached the reward model");
      clock.expectNoMessageFor(timeout.minusMillis(1), scorer, outcome);
      clock.timePasses(Duration.ofMillis(1));
      // The evaluator abandons snapshot 4 without a report of its own: the scorer's next message
      // is snapshot 8's rewards, not a failure of snapshot 4.
      MixtureScorer.Rewards next = scorer.expectMessageClass(MixtureScorer.Rewards.class);
      assertEquals(8, next.version());
      assertEquals(2, created.get(), "one replacement reward model");
      learner.tell(new Learner.ScorerAnswered(new MixtureScorer.Computed(8, new double[] {0.9, 0.1})));
      Learner.Finished end = (Learner.Finished) outcome.receiveMessage();
      assertEquals(12, end.steps());
      assertEquals(1, end.skippedUpdates());
      assertArrayEquals(new double[] {0.9, 0.1}, end.probabilities());
    } finally {
      hang.release().countDown();
    }
    List<String> skips = new ArrayList<>();
    // steps, weights lines (prior, snapshot 8), snapshots sent (4, 8) and answered (8), notes (size, skip)
    for (MetricsSink.Command m : metrics.receiveSeveralMessages(12 + 2 + 2 + 1 + 2)) {
      if (m instanceof MetricsSink.Note n && !n.event().equals("snapshot_size")) {
        skips.add(n.event() + ": " + n.message());
      }
    }
    assertEquals(1, skips.size(), skips.toString());
    assertTrue(skips.get(0).startsWith("skipped_update: no probabilities for snapshot 4 within 420 s"), skips.get(0));
  }

  private static Trainer trainer() {
    ModelConfig config = new ModelConfig("llama", 259, 32, 64, 1, 2, 1, 16, 128, 10000.0, 1e-5, true, false, 257, 258);
    return new Trainer(LanguageModel.random(config, Device.cpu(), 1),
        new io.skillmix.learn.TrainSettings(12, 2, 2, 1e-3, 0.0, 0.0, 0.9, 0.95, 1e-8, 1.0, 1000), 0);
  }

  @Test
  void theLearnerGoesOnWithTheLastProbabilitiesWhenAnUpdateFailsAndAppliesLaterOnes() {
    TestProbe<RewardEvaluator.Command> evaluator = testKit.createTestProbe(RewardEvaluator.Command.class);
    TestProbe<MetricsSink.Command> metrics = testKit.createTestProbe(MetricsSink.Command.class);
    TestProbe<Learner.Outcome> outcome = testKit.createTestProbe(Learner.Outcome.class);
    LearnerSettings settings = new LearnerSettings(12, 2, 4, 0, ApplyMode.SYNC, Duration.ofMinutes(5), null, null);
    ActorRef<Learner.Command> learner = testKit.spawn(Learner.create(settings, FaultsTest::trainer, NAMES,
        datasets(), new MixtureSampler(new double[] {0.5, 0.5}, 3), evaluator.getRef(), null, metrics.getRef(), null, null, null));
    learner.tell(new Learner.Start(outcome.getRef()));
    evaluator.expectMessageClass(RewardEvaluator.Reference.class);
    assertEquals(4, evaluator.expectMessageClass(RewardEvaluator.Evaluate.class)
        .snapshot().version());
    learner.tell(new Learner.ScorerAnswered(new MixtureScorer.NotComputed(4, "simulated")));
    assertEquals(8, evaluator.expectMessageClass(RewardEvaluator.Evaluate.class)
        .snapshot().version());
    learner.tell(new Learner.ScorerAnswered(new MixtureScorer.Computed(8, new double[] {0.9, 0.1})));
    Learner.Finished end = (Learner.Finished) outcome.receiveMessage();
    assertEquals(12, end.steps());
    assertEquals(1, end.skippedUpdates());
    assertArrayEquals(new double[] {0.9, 0.1}, end.probabilities());
    while (true) { // the skipped update is in the metrics (a timeout here fails the test)
      if (metrics.receiveMessage() instanceof MetricsSink.Note n
          && n.event().equals("skipped_update") && n.message().contains("snapshot 4")) {
        break;
      }
    }
  }

  @Test
  void nonFiniteStepsAreSkippedAndTooManyInARowStopTheRunKeepingTheLastCheckpoint() {
    UserError e = assertThrows(UserError.class, () -> TrainingRun.run(RunFixtures.config(dir, "nan",
        "train.lr=1e38", "train.warmup-fraction=0", "train.grad-clip=0", "train.max-bad-steps=3",
        "train.checkpoint-every=1", "mix.method=uni")));
    assertTrue(e.getMessage().contains("train.max-bad-steps = 3"), e.getMessage());
    Path run = dir.resolve("nan");
    assertTrue(new Checkpoints(run, 1).latest().isPresent(), "a good checkpoint stays");
    assertTrue(e.getMessage().contains("checkpoints"), e.getMessage());
  }

  @Test
  void outOfMemoryFromTheEngineNamesTheBatchSizeAndSequenceLength() {
    RuntimeException oom = new EngineException(
        "CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 79.15 GiB total capacity)");
    RuntimeException explained = EngineFaults.explain(oom, 16, 384);
    assertInstanceOf(UserError.class, explained);
    assertTrue(explained.getMessage().contains("batch size 16"), explained.getMessage());
    assertTrue(explained.getMessage().contains("sequence length 384"), explained.getMessage());
    assertTrue(explained.getMessage().contains("train.micro-batch-size"), explained.getMessage());
    RuntimeException cpu = new EngineException("[enforce fail at alloc_cpu.cpp:117] data. DefaultCPUAllocator:"
        + " can't allocate memory: you tried to allocate 123456789 bytes");
    assertInstanceOf(UserError.class, EngineFaults.explain(cpu, 4, 64));
    RuntimeException other = new EngineException("shape mismatch");
    assertSame(other, EngineFaults.explain(other, 4, 64));
  }
}
