package io.skillmix.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.skillmix.metrics.MetricsLog;
import io.skillmix.metrics.SystemFigures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The system figures a whole run records: 24 steps, a snapshot after 8 and 16. */
class SystemFiguresTest {

  @TempDir static Path dir;

  @BeforeAll
  static void fixtures() {
    RunFixtures.write(dir);
  }

  private static List<JsonObject> events(Path run, String event) throws IOException {
    return Files.readAllLines(run.resolve("metrics.jsonl")).stream()
        .map(l -> JsonParser.parseString(l).getAsJsonObject())
        .filter(o -> o.get("event").getAsString().equals(event)).toList();
  }

  private static void assertFigures(Path run, long lag) throws IOException {
    List<JsonObject> updates = events(run, "weights").stream().filter(o -> o.get("version").getAsLong() > 0).toList();
    assertEquals(2, updates.size(), updates.toString());
    for (JsonObject u : updates) {
      assertEquals(lag, u.get("staleness").getAsLong(), u.toString());
    }
    SystemFigures f = MetricsLog.system(run.resolve("metrics.jsonl"));
    assertEquals(lag, f.stalenessMean());
    assertEquals(lag, f.stalenessMax());
    assertEquals(2, f.updatesApplied());
    assertEquals(2, f.snapshotsSent());
    assertEquals(0, f.snapshotsSkipped());
    assertEquals(2, events(run, "snapshot_answered").size());
    assertTrue(f.latencyMean() > 0 && f.latencyMax() >= f.latencyMean(), f.toString());
    assertTrue(f.evaluatorSeconds() > 0 && f.evaluatorBusyShare() > 0, f.toString());
    assertTrue(f.wallSeconds() >= f.trainSeconds() + f.waitSeconds(), f.toString());
    long padded = events(run, "train").stream().mapToLong(o -> o.get("tokens").getAsLong()).sum();
    assertTrue(f.realTokens() > 0 && f.realTokens() <= padded, f + " padded " + padded);
    assertTrue(Files.readString(run.resolve("report.md")).contains("## System"));
  }

  @Test
  void aLaggedRunsUpdatesAreExactlyLagStepsStaleAndItsFiguresAreRecorded() throws IOException {
    assertFigures(TrainingRun.run(RunFixtures.config(dir, "lagged", "mix.apply=lagged", "mix.lag-steps=3")).runDir(), 3);
  }

  @Test
  void aSyncRunsUpdatesAreFresh() throws IOException {
    assertFigures(TrainingRun.run(RunFixtures.config(dir, "sync", "mix.apply=sync")).runDir(), 0);
  }
}
