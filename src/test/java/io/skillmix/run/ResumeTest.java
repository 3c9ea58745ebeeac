package io.skillmix.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.skillmix.UserError;
import io.skillmix.checkpoint.Checkpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exact-resume guarantee: in sync and lagged modes on CPU, a run continued from a checkpoint
 * gives the same losses, draws and probabilities, bit for bit, as the same run straight through.
 */
class ResumeTest {

  @TempDir static Path dir;

  @BeforeAll
  static void fixtures() {
    RunFixtures.write(dir);
  }

  private static final String[] CHECKPOINTED = {"train.checkpoint-every=12", "train.keep-checkpoints=2"};

  /** step, dataset and loss of every train line, in file order (duplicates would show). */
  private static List<String> trainLines(Path run) throws IOException {
    return Files.readAllLines(run.resolve("metrics.jsonl")).stream()
        .filter(l -> l.contains("\"event\":\"train\""))
        .map(l -> {
          JsonObject o = JsonParser.parseString(l).getAsJsonObject();
          return o.get("step") + " " + o.get("dataset") + " " + o.get("loss") + " " + o.get("grad_norm");
        })
        .toList();
  }

  /** The last checkpoint's state; the metrics offsets differ, as metrics carry wall-clock times. */
  private static JsonObject stateWithoutFileOffsets(Path run) throws IOException {
    JsonObject state = JsonParser.parseString(
        Files.readString(run.resolve("checkpoints/step-000024/state.json"))).getAsJsonObject();
    state.getAsJsonObject("components").remove("metrics");
    return state;
  }

  private static String[] with(String[] base, String... more) {
    return Stream.concat(Stream.of(base), Stream.of(more)).toArray(String[]::new);
  }

  /** A copy of a finished run as a crash right after its last step would leave it. */
  private static Path crashedCopy(Path run, String name) throws IOException {
    Path copy = dir.resolve(name);
    try (Stream<Path> walk = Files.walk(run)) {
      for (Path p : walk.toList()) {
        Path target = copy.resolve(run.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    for (String gone : new String[] {"checkpoints/step-000024", "final", "plots", "report.md"}) {
      try (Stream<Path> walk = Files.walk(copy.resolve(gone))) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    // Killed while writing the last checkpoint: a temporary folder with some files, no manifest.
    Path half = Files.createDirectories(copy.resolve("checkpoints/.tmp-step-000024-123/model"));
    Files.writeString(half.resolve("config.json"), "{");
    return copy;
  }

  private void assertResumeIsExact(String mode, String... settings) throws IOException {
    String[] config = with(CHECKPOINTED, settings);
    TrainingRun.Outcome straight = TrainingRun.run(RunFixtures.config(dir, "straight-" + mode, config));
    assertEquals(List.of(straight.runDir().resolve("checkpoints/step-000012"),
        straight.runDir().resolve("checkpoints/step-000024")), new Checkpoints(straight.runDir(), 2).complete());

    Path crashed = crashedCopy(straight.runDir(), "crashed-" + mode);
    assertEquals(24, trainLines(crashed).size(), "the crash left lines past the checkpoint");
    TrainingRun.Outcome resumed = TrainingRun.resume(crashed, List.of()).await();

    assertFalse(resumed.stopped());
    assertEquals(24, resumed.steps());
    assertEquals(trainLines(straight.runDir()), trainLines(crashed));
    assertEquals(Files.readAllLines(straight.runDir().resolve("weights.jsonl")),
        Files.readAllLines(crashed.resolve("weights.jsonl")));
    assertArrayEquals(straight.probabilities(), resumed.probabilities());
    // The report and plots cover the whole run: the records before the checkpoint are replayed.
    assertEquals(straight.history().tokens(), resumed.history().tokens());
    assertArrayEquals(straight.history().stepsPerDataset(), resumed.history().stepsPerDataset());
    // So do the system figures, and the wall time adds the session before the checkpoint (its system line).
    io.skillmix.metrics.SystemFigures whole = straight.history().systemFigures();
    io.skillmix.metrics.SystemFigures again = resumed.history().systemFigures();
    assertEquals(List.of(whole.snapshotsSent(), whole.updatesApplied(), whole.stalenessMax(), whole.realTokens()),
        List.of(again.snapshotsSent(), again.updatesApplied(), again.stalenessMax(), again.realTokens()));
    double beforeCheckpoint = Files.readAllLines(crashed.resolve("metrics.jsonl")).stream()
        .filter(l -> l.contains("\"event\":\"system\"")).findFirst()
        .map(l -> JsonParser.parseString(l).getAsJsonObject().get("wall_seconds").getAsDouble()).orElseThrow();
    assertTrue(again.wallSeconds() > beforeCheckpoint, again + " after " + beforeCheckpoint);
    assertEquals(stateWithoutFileOffsets(straight.runDir()), stateWithoutFileOffsets(crashed));
    assertArrayEquals(Files.readAllBytes(straight.runDir().resolve("final/model.safetensors")),
        Files.readAllBytes(crashed.resolve("final/model.safetensors")));
    assertFalse(Files.exists(crashed.resolve("checkpoints/.tmp-step-000024-123")), "the half checkpoint is cleared");
    assertTrue(Files.exists(crashed.resolve("report.md")));
  }

  @Test
  void aLaggedRunResumedFromItsCheckpointEqualsTheStraightRun() throws IOException {
    assertResumeIsExact("lagged", "mix.apply=lagged", "mix.lag-steps=4");
  }

  @Test
  void aSyncRunResumedFromItsCheckpointEqualsTheStraightRun() throws IOException {
    assertResumeIsExact("sync", "mix.apply=sync", "mix.lag-steps=0");
  }

  @Test
  void aStoppedRunWritesACheckpointAndResumesToTheSameEnd() throws IOException {
    String[] config = with(CHECKPOINTED, "mix.apply=lagged");
    TrainingRun.Outcome straight = TrainingRun.run(RunFixtures.config(dir, "straight-for-stop", config));
    TrainingRun.Handle handle = TrainingRun.start(RunFixtures.config(dir, "stopped", config));
    handle.requestStop();
    TrainingRun.Outcome stopped = handle.await();
    assertTrue(stopped.stopped());
    assertTrue(stopped.steps() < 24, "stopped after " + stopped.steps());
    assertTrue(Checkpoints.isComplete(stopped.checkpoint()), String.valueOf(stopped.checkpoint()));
    assertEquals(stopped.steps(), Checkpoints.stepOf(stopped.checkpoint()));
    assertFalse(Files.exists(stopped.runDir().resolve("final")));

    TrainingRun.Outcome resumed = TrainingRun.resume(stopped.runDir(), List.of()).await();
    assertEquals(24, resumed.steps());
    assertEquals(trainLines(straight.runDir()), trainLines(stopped.runDir()));
    assertEquals(Files.readAllLines(straight.runDir().resolve("weights.jsonl")),
        Files.readAllLines(stopped.runDir().resolve("weights.jsonl")));
  }

  @Test
  void aFolderWithoutACompleteCheckpointOrWithAnotherModelShapeIsRefused() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("no-checkpoint"));
    Files.writeString(empty.resolve("config.conf"), "train.steps = 4\n");
    UserError none = assertThrows(UserError.class, () -> TrainingRun.resume(empty, List.of()));
    assertTrue(none.getMessage().contains("no complete checkpoint"), none.getMessage());

    TrainingRun.Outcome done = TrainingRun.run(RunFixtures.config(dir, "shape", "train.steps=4", "mix.method=uni"));
    byte[] metrics = Files.readAllBytes(done.runDir().resolve("metrics.jsonl"));
    UserError shape = assertThrows(UserError.class,
        () -> TrainingRun.resume(done.runDir(), List.of("model.path=\"\"", "model.preset=tiny")));
    assertTrue(shape.getMessage().contains("model"), shape.getMessage());
    assertArrayEquals(metrics, Files.readAllBytes(done.runDir().resolve("metrics.jsonl")), "nothing touched");
    assertNotEquals(0, metrics.length);
  }
}
