package io.skillmix.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.checkpoint.Checkpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code skillmix train} JVM gets SIGTERM mid-run: it finishes the step, writes a
 * checkpoint, exits 0 with the line to resume, and {@code --resume} goes on from that step.
 */
@Tag("slow")
class SignalStopTest {

  @TempDir Path dir;

  @Test
  void sigtermWritesACheckpointExitsZeroAndTheRunResumesFromIt() throws Exception {
    RunFixtures.write(dir);
    Path run = dir.resolve("run");
    List<String> args = new ArrayList<>(List.of("train", "run.dir=\"" + run + "\""));
    args.addAll(RunFixtures.overrides(dir));
    args.addAll(List.of("train.steps=5000", "train.checkpoint-every=5000"));
    Path log = dir.resolve("train.log");
    Process train = ClusterNodes.skillmix(args, log);
    try {
      ClusterNodes.awaitLines(run.resolve("metrics.jsonl"),
          lines -> lines.stream().filter(line -> line.contains("\"train\"")).count() >= 10, train, log,
          Duration.ofMinutes(5));
      train.destroy(); // SIGTERM
      assertTrue(train.waitFor(60, TimeUnit.SECONDS), "the run did not stop after SIGTERM");
      String output = Files.readString(log);
      assertEquals(0, train.exitValue(), output);
      Matcher stopped = Pattern.compile("stopped at step (\\d+); resume with: scripts/skillmix train --resume (.+)")
          .matcher(output);
      assertTrue(stopped.find(), output);
      long step = Long.parseLong(stopped.group(1));
      assertTrue(step > 0 && step < 5000, "stopped at step " + step);
      assertEquals(run.toString(), stopped.group(2).strip());
      Path checkpoint = new Checkpoints(run, 2).latest().orElseThrow();
      assertEquals(Checkpoints.name(step), checkpoint.getFileName().toString());

      TrainingRun.Outcome resumed = TrainingRun.resume(run, List.of("train.steps=" + (step + 4))).await();
      assertEquals(step + 4, resumed.steps());
      assertTrue(!resumed.stopped());
    } finally {
      train.destroyForcibly();
    }
  }
}
