package io.skillmix.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a run shows while it trains (issue 34): without a terminal a plain line every 30 s, never
 * a bar; an ETA from the measured step time after a warm-up; metrics.jsonl on disk within seconds.
 */
class ProgressLinesTest {

  private static MetricsSink.TrainStep step(long step) {
    return new MetricsSink.TrainStep(step, 2.0, new double[] {2.0}, new int[] {4}, 1e-3, 1.0, 100, 0, 0.5, 0);
  }

  @Test
  void withoutATerminalAPlainLineComesEveryThirtySeconds() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    AtomicLong now = new AtomicLong();
    List<String> names = List.of("math");
    ProgressDisplay display = ProgressDisplay.plain(new PrintStream(bytes, true, StandardCharsets.UTF_8), now::get,
        100, names);
    RunHistory history = new RunHistory(names);
    for (long s = 0; s < 100; s++) {
      now.addAndGet(Duration.ofSeconds(2).toNanos()); // 2 s a step: a line every 15 steps
      display.onStep(step(s), history);
    }
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(List.of("step 1/100", "step 16/100", "step 31/100", "step 46/100", "step 61/100", "step 76/100",
        "step 91/100", "step 100/100"), lines.stream().map(l -> l.substring(0, l.indexOf(" ("))).toList(),
        String.join("\n", lines));
    assertFalse(bytes.toString(StandardCharsets.UTF_8).contains("\r"), "no carriage returns in a log");
    assertTrue(lines.get(0).endsWith("ETA --"), lines.get(0)); // warming up
    assertTrue(lines.get(1).endsWith("ETA 0:02:48"), lines.get(1)); // 84 steps left at 2 s
    assertTrue(lines.get(1).contains("| loss 2.000 | 200 tok/s |"), lines.get(1));
  }

  @Test
  void theEtaLeavesOutTheSlowFirstStepsOfASession() {
    StepEta eta = new StepEta();
    long t = 0;
    eta.step(t);
    t += Duration.ofMinutes(3).toNanos(); // the first step: engine start, the evaluation before step 0
    for (int i = 0; i < StepEta.WARM_UP; i++) {
      eta.step(t);
      assertTrue(eta.secondsLeft(100).isEmpty());
      t += Duration.ofSeconds(1).toNanos();
    }
    for (int i = 0; i < 10; i++) {
      eta.step(t);
      t += Duration.ofSeconds(1).toNanos();
    }
    assertEquals(100.0, eta.secondsLeft(100).getAsDouble(), 1e-9);
    assertEquals("0:01:40", StepEta.format(eta.secondsLeft(100)));
  }

  @Test
  void metricsReachTheDiskWithinSecondsOfTheirEvent(@TempDir Path dir) throws Exception {
    ActorTestKit kit = ActorTestKit.create(ManualTime.config().withFallback(com.typesafe.config.ConfigFactory.load()));
    try {
      ManualTime time = ManualTime.get(kit.system());
      List<String> names = List.of("math");
      ActorRef<MetricsSink.Command> sink = kit.spawn(MetricsSink.create(dir, names, ProgressDisplay.create(false, 10, 0, names)));
      sink.tell(step(3));
      // The sink has the line when it answers a later message; a Finish would flush, so ask for nothing.
      TestProbe<Object> probe = kit.createTestProbe();
      sink.tell(new MetricsSink.Note(3, "probe", "x"));
      time.timePasses(MetricsSink.FLUSH_EVERY);
      probe.awaitAssert(() -> {
        try {
          assertTrue(Files.readString(dir.resolve("metrics.jsonl")).contains("\"event\":\"train\",\"step\":3"));
        } catch (java.io.IOException e) {
          throw new AssertionError(e);
        }
        return null;
      });
    } finally {
      kit.shutdownTestKit();
    }
  }
}
