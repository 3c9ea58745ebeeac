package io.skillmix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainResumeCommandTest {

  @TempDir Path dir;

  @Test
  void resumingAFolderWithoutACompleteCheckpointIsRefusedWithOneLine() throws IOException {
    Path run = Files.createDirectories(dir.resolve("run"));
    Files.writeString(run.resolve("config.conf"), "train.steps = 4\n");
    Files.writeString(run.resolve("metrics.jsonl"), "{\"event\":\"train\",\"step\":0}\n");
    Files.createDirectories(run.resolve("checkpoints/.tmp-step-000002-1"));
    CliRun.Result r = CliRun.run("train", "--resume", run.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("no complete checkpoint"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertEquals("{\"event\":\"train\",\"step\":0}\n", Files.readString(run.resolve("metrics.jsonl")));
  }

  @Test
  void resumeTakesNoConfigFileAndNoOrders() {
    CliRun.Result r = CliRun.run("train", "--resume", dir.toString(), "other.conf");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--resume"), r.err());
  }
}
