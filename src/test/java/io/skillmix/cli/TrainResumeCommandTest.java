package io.skillmix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainResumeCommandTest {

  @TempDir Path dir;

  private static String[] run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.execute(args);
      return new String[] {String.valueOf(code), out.toString(StandardCharsets.UTF_8),
          err.toString(StandardCharsets.UTF_8)};
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void resumingAFolderWithoutACompleteCheckpointIsRefusedWithOneLine() throws IOException {
    Path run = Files.createDirectories(dir.resolve("run"));
    Files.writeString(run.resolve("config.conf"), "train.steps = 4\n");
    Files.writeString(run.resolve("metrics.jsonl"), "{\"event\":\"train\",\"step\":0}\n");
    Files.createDirectories(run.resolve("checkpoints/.tmp-step-000002-1"));
    String[] r = run("train", "--resume", run.toString());
    assertEquals("2", r[0], r[2]);
    assertTrue(r[2].contains("no complete checkpoint"), r[2]);
    assertEquals(1, r[2].strip().lines().count(), r[2]);
    assertEquals("{\"event\":\"train\",\"step\":0}\n", Files.readString(run.resolve("metrics.jsonl")));
  }

  @Test
  void resumeTakesNoConfigFileAndNoOrders() {
    String[] r = run("train", "--resume", dir.toString(), "other.conf");
    assertEquals("2", r[0], r[2]);
    assertTrue(r[2].contains("--resume"), r[2]);
  }
}
