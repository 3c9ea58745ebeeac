package io.skillmix.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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

/** The dataset actors' prefetch on a train line: written for the datasets asked, read back as written. */
@ExtendWith(LogCapturingExtension.class)
class PrefetchLineTest {

  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void aTrainLineHasTheReadyBatchesOfEachDatasetAskedAndReadsThemBack(@TempDir Path dir) throws Exception {
    List<String> names = List.of("math", "chat", "nlp");
    ActorRef<MetricsSink.Command> sink = testKit.spawn(
        MetricsSink.create(dir, names, ProgressDisplay.create(false, 10, 0, names)));
    sink.tell(new MetricsSink.WeightsApplied(new WeightUpdate(0, 0, new double[] {0.5, 0.25, 0.25})));
    sink.tell(new MetricsSink.TrainStep(0, 2.5, new double[] {2.5, 2.0, Double.NaN}, new int[] {3, 1, 0}, 1e-3, 0.9,
        128, 0, 0.5, 0.01, new int[] {2, 0, -1}));
    sink.tell(new MetricsSink.TrainStep(1, 2.4, new double[] {2.4, Double.NaN, Double.NaN}, new int[] {4, 0, 0}, 1e-3,
        0.9, 128, 0, 0.5, 0.01));
    TestProbe<RunHistory> probe = testKit.createTestProbe(RunHistory.class);
    sink.tell(new MetricsSink.Finish(probe.getRef()));
    probe.receiveMessage();

    List<String> lines = Files.readAllLines(dir.resolve("metrics.jsonl"));
    assertTrue(lines.get(1).contains(",\"prefetch\":{\"math\":2,\"chat\":0},"), "nlp was not asked: " + lines.get(1));
    assertFalse(lines.get(2).contains("prefetch"), "not known: not written");
    List<MetricsSink.Command> read = MetricsLog.read(dir.resolve("metrics.jsonl"), names);
    assertArrayEquals(new int[] {2, 0, -1}, ((MetricsSink.TrainStep) read.get(1)).datasetPrefetched());
    assertNull(((MetricsSink.TrainStep) read.get(2)).datasetPrefetched());
  }
}
