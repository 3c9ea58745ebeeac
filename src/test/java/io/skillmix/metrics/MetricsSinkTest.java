package io.skillmix.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LogCapturingExtension.class)
class MetricsSinkTest {

  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void everyEventBecomesOneJsonLineAndTheHistoryKeepsWhatTheReportNeeds(@TempDir Path dir) throws Exception {
    List<String> names = List.of("math", "chat");
    ActorRef<MetricsSink.Command> sink = testKit.spawn(
        MetricsSink.create(dir, names, ProgressDisplay.create(false, 10, 0, names)));
    sink.tell(new MetricsSink.WeightsApplied(new WeightUpdate(0, 0, new double[] {0.75, 0.25})));
    sink.tell(new MetricsSink.TrainStep(0, 2.5, new double[] {2.5, Double.NaN}, new int[] {4, 0}, 1e-3, 0.9, 128,
        0, 0.5, 0.01));
    sink.tell(new MetricsSink.TrainStep(1, 1.75, new double[] {2.0, 1.5}, new int[] {1, 3}, 1e-3, 0.8, 64, 0, 0.25, 0.0));
    sink.tell(new MetricsSink.SnapshotSent(2));
    sink.tell(new MetricsSink.SnapshotAnswered(2, 2, 1.75));
    sink.tell(new MetricsSink.RewardsComputed(2, new double[] {1, 0.5}, new double[] {0.9, 0.6},
        new double[] {0.6, 0.4}, 1.5));
    sink.tell(new MetricsSink.WeightsApplied(new WeightUpdate(2, 3, new double[] {0.6, 0.4})));
    sink.tell(new MetricsSink.Note(3, "skipped_update", "no answer"));
    TestProbe<RunHistory> probe = testKit.createTestProbe(RunHistory.class);
    sink.tell(new MetricsSink.Finish(probe.getRef()));
    RunHistory history = probe.receiveMessage();

    List<String> weights = Files.readAllLines(dir.resolve("weights.jsonl"));
    assertEquals(List.of(
        "{\"step\":0,\"version\":0,\"probs\":{\"math\":0.75,\"chat\":0.25}}",
        "{\"step\":3,\"version\":2,\"probs\":{\"math\":0.6,\"chat\":0.4}}"), weights);
    List<String> metrics = Files.readAllLines(dir.resolve("metrics.jsonl"));
    assertEquals(9, metrics.size());
    assertTrue(metrics.get(1).startsWith("{\"event\":\"train\",\"step\":0,\"loss\":2.5,"
        + "\"losses\":{\"math\":2.5},\"examples\":{\"math\":4},"), metrics.get(1));
    assertTrue(metrics.get(2).startsWith("{\"event\":\"train\",\"step\":1,\"loss\":1.75,"
        + "\"losses\":{\"math\":2.0,\"chat\":1.5},\"examples\":{\"math\":1,\"chat\":3},"), metrics.get(2));
    assertEquals(192, history.tokens());
    assertEquals(2.25, history.recentLoss("math", 10), "the mean of its two steps' losses");
    assertEquals(1.5, history.recentLoss("chat", 10));
    assertArrayEquals(new long[] {5, 3}, history.examplesPerDataset());
    assertArrayEquals(new long[] {2, 1}, history.stepsPerDataset());
    // Read back, every record is the one written; a line from before per-dataset losses still reads.
    List<MetricsSink.Command> read = MetricsLog.read(dir.resolve("metrics.jsonl"), names);
    MetricsSink.TrainStep second = (MetricsSink.TrainStep) read.get(2);
    assertArrayEquals(new double[] {2.0, 1.5}, second.datasetLosses());
    assertArrayEquals(new int[] {1, 3}, second.datasetExamples());
    Path old = dir.resolve("old.jsonl");
    Files.writeString(old, "{\"event\":\"train\",\"step\":0,\"loss\":2.5,\"dataset\":\"chat\",\"lr\":0.001,"
        + "\"grad_norm\":0.9,\"tokens\":128,\"seconds\":0.5,\"wait_seconds\":0.01}\n");
    MetricsSink.TrainStep before = (MetricsSink.TrainStep) MetricsLog.read(old, names).get(0);
    assertArrayEquals(new double[] {Double.NaN, 2.5}, before.datasetLosses());
    assertArrayEquals(new int[] {0, -1}, before.datasetExamples());
    assertEquals(2, history.weightSteps().size());
    assertEquals(1, history.notes().size());

    // The last line sums the run up; compare reads it back.
    assertTrue(metrics.get(8).startsWith("{\"event\":\"system\""), metrics.get(8));
    SystemFigures f = MetricsLog.system(dir.resolve("metrics.jsonl"));
    assertEquals(192, f.realTokens()); // the train lines' tokens: real ones (pad_tokens apart)
    assertEquals(0.75, f.trainSeconds(), 1e-12);
    assertEquals(0.01, f.waitSeconds(), 1e-12);
    assertEquals(1, f.updatesApplied(), "the prior is no update");
    assertEquals(1.0, f.stalenessMean());
    assertEquals(1, f.stalenessMax());
    assertEquals(1.5, f.evaluatorSeconds());
    assertEquals(1, f.snapshotsSent());
    assertEquals(1, f.snapshotsSkipped());
    assertEquals(1.75, f.latencyMean());
    assertTrue(f.wallSeconds() > 0);
    assertEquals(f, history.systemFigures());
  }
}
