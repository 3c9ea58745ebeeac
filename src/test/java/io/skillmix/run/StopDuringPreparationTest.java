package io.skillmix.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM while a large dataset loads (issue 33 E10): before, exit 143 with no message and a run
 * folder with only config.conf that neither resumed nor could be reused as run.dir. Now one line,
 * exit 0, and no such folder.
 */
@Tag("slow")
class StopDuringPreparationTest {

  @TempDir Path dir;

  @Test
  void aStopWhileTheDataLoadsSaysSoAndLeavesNoHalfRunFolder() throws Exception {
    RunFixtures.write(dir);
    Path big = dir.resolve("big.jsonl");
    try (BufferedWriter out = Files.newBufferedWriter(big)) {
      for (int i = 0; i < 400_000; i++) {
        out.write("{\"instruction\": \"add " + i + " and " + (i + 1) + "\", \"output\": \"" + (2 * i + 1) + "\"}\n");
      }
    }
    Path run = dir.resolve("run");
    List<String> args = new ArrayList<>(List.of("train", "run.dir=\"" + run + "\""));
    args.addAll(RunFixtures.overrides(dir));
    args.add("data.datasets=[{name=big, path=\"" + big + "\"}]");
    Path log = dir.resolve("train.log");
    Process train = ClusterNodes.skillmix(args, log);
    try {
      ClusterNodes.awaitLines(log, lines -> lines.stream().anyMatch(l -> l.startsWith("preparing ")), train, log,
          Duration.ofMinutes(2));
      train.destroy(); // SIGTERM, while the 400,000 examples are read
      assertTrue(train.waitFor(60, TimeUnit.SECONDS), "the command did not stop after SIGTERM");
      String output = Files.readString(log);
      assertEquals(0, train.exitValue(), output);
      assertTrue(output.contains("stopped before the first step: nothing was trained"), output);
      assertFalse(Files.exists(run.resolve("config.conf")) && !Files.exists(run.resolve("checkpoints")),
          "a folder with only config.conf is left: " + output);
    } finally {
      train.destroyForcibly();
    }
  }

  /** SIGTERM to compare (issue 33 E11): before, exit 143 and no word; now how to go on, exit 0. */
  @Test
  void aStoppedComparisonSaysHowToContinue() throws Exception {
    RunFixtures.write(dir);
    Path out = dir.resolve("cmp");
    List<String> args = new ArrayList<>(List.of("compare", "--out", out.toString(), "--arms", "uni", "--seeds", "1"));
    args.addAll(RunFixtures.overrides(dir));
    args.addAll(List.of("train.steps=2000", "eval.every=0"));
    Path log = dir.resolve("compare.log");
    Process compare = ClusterNodes.skillmix(args, log);
    try {
      ClusterNodes.awaitLines(out.resolve("uni").resolve("seed-1").resolve("metrics.jsonl"),
          lines -> lines.stream().anyMatch(l -> l.contains("\"train\"")), compare, log, Duration.ofMinutes(3));
      compare.destroy(); // SIGTERM
      assertTrue(compare.waitFor(60, TimeUnit.SECONDS), "compare did not stop after SIGTERM");
      String output = Files.readString(log);
      assertEquals(0, compare.exitValue(), output);
      assertTrue(output.contains("stopped; the finished runs are kept in " + out
          + ": the same command continues the comparison"), output);
    } finally {
      compare.destroyForcibly();
    }
  }
}
