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

  /** step, datasets and losses of every train line, in file order (duplicates would show). */
  static List<String> trainLines(Path run) throws IOException {
    return Files.readAllLines(run.resolve("metrics.jsonl")).stream()
        .filter(l -> l.contains("\"event\":\"train\""))
        .map(l -> {
          JsonObject o = JsonParser.parseString(l).getAsJsonObject();
          return o.get("step") + " " + o.get("examples") + " " + o.get("losses") + " " + o.get("loss") + " " + o.get("grad_norm");
        })
        .toList();
  }

  /** Every eval line's step and values, in file order; not the seconds it took. */
  private static List<String> evalLines(Path run) {
    return EvaluationDuringTrainingTest.evaluations(run).stream()
        .map(e -> e.step() + " " + e.heldOutLoss() + " " + e.scores()).toList();
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
  private static Path crashedCopy(Path dir, Path run, String name) throws IOException {
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

  /**
   * Runs 24 steps straight with checkpoints at 12 and 24, and again from the checkpoint at 12 of a
   * copy left as a crash after step 24 would leave it: every train line, weights line, evaluation,
   * the final state and model must be the same. Other tests (every mixing policy's) use it too.
   */
  static void assertResumeIsExact(Path dir, String mode, String... settings) throws IOException {
    String[] config = with(CHECKPOINTED, settings);
    TrainingRun.Outcome straight = TrainingRun.run(RunFixtures.config(dir, "straight-" + mode, config));
    assertEquals(List.of(straight.runDir().resolve("checkpoints/step-000012"),
        straight.runDir().resolve("checkpoints/step-000024")), new Checkpoints(straight.runDir(), 2).complete());

    Path crashed = crashedCopy(dir, straight.runDir(), "crashed-" + mode);
    assertEquals(24, trainLines(crashed).size(), "the crash left lines past the checkpoint");
    TrainingRun.Outcome resumed = TrainingRun.resume(crashed, List.of()).await();

    assertFalse(resumed.stopped());
    assertEquals(24, resumed.steps());
    assertEquals(trainLines(straight.runDir()), trainLines(crashed));
    assertEquals(Files.readAllLines(straight.runDir().resolve("weights.jsonl")),
        Files.readAllLines(crashed.resolve("weights.jsonl")));
    assertEquals(evalLines(straight.runDir()), evalLines(crashed));
    assertArrayEquals(straight.probabilities(), resumed.probabilities());
    // The report and plots cover the whole run: the records before the checkpoint are replayed.
    assertEquals(straight.history().tokens(), resumed.history().tokens());
    assertArrayEquals(straight.history().stepsPerDataset(), resumed.history().stepsPerDataset());
    assertArrayEquals(straight.history().examplesPerDataset(), resumed.history().examplesPerDataset());
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
    String weights = Files.exists(straight.runDir().resolve("final/model.safetensors"))
        ? "final/model.safetensors" : "final/adapter_model.safetensors"; // model.lora: the adapters alone
    assertArrayEquals(Files.readAllBytes(straight.runDir().resolve(weights)), Files.readAllBytes(crashed.resolve(weights)));
    assertFalse(Files.exists(crashed.resolve("checkpoints/.tmp-step-000024-123")), "the half checkpoint is cleared");
    assertTrue(Files.exists(crashed.resolve("report.md")));
  }

  @Test
  void aLaggedRunResumedFromItsCheckpointEqualsTheStraightRun() throws IOException {
    assertResumeIsExact(dir, "lagged", "mix.apply=lagged", "mix.lag-steps=4");
  }

  @Test
  void theEvaluationsAfterAResumeEqualTheStraightRunsOnes() throws IOException {
    // Evaluations at 0, 5, 10 before the checkpoint at 12; 15, 20 and 24 again after the resume.
    assertResumeIsExact(dir, "evaluated", "mix.apply=lagged", "mix.lag-steps=4", "eval.every=5");
    assertEquals(List.of("0", "5", "10", "15", "20", "24"),
        evalLines(dir.resolve("crashed-evaluated")).stream().map(l -> l.split(" ")[0]).toList());
  }

  @Test
  void aLoraRunResumedFromItsCheckpointEqualsTheStraightRun() throws IOException {
    assertResumeIsExact(dir, "lora", "mix.apply=lagged", "mix.lag-steps=4", "mix.reward=diff", "model.lora.rank=4",
        "model.lora.dropout=0.1");
    Path run = dir.resolve("straight-lora");
    assertTrue(Files.exists(run.resolve("final/adapter_config.json")));
    assertTrue(Files.exists(run.resolve("checkpoints/step-000012/model/adapter_model.safetensors")));
    assertFalse(Files.exists(run.resolve("final/model.safetensors")), "the frozen base is not written again");
    String note = Files.readAllLines(run.resolve("metrics.jsonl")).stream()
        .filter(l -> l.contains("\"snapshot_size\"")).findFirst().orElseThrow();
    assertTrue(note.contains("bytes per update (the LoRA adapters)"), note);
  }

  @Test
  void aSyncRunResumedFromItsCheckpointEqualsTheStraightRun() throws IOException {
    assertResumeIsExact(dir, "sync", "mix.apply=sync", "mix.lag-steps=0");
  }

  @Test
  void aRunMixingWholeBatchesResumedFromItsCheckpointEqualsTheStraightRun() throws IOException {
    assertResumeIsExact(dir, "batch", "mix.apply=lagged", "mix.lag-steps=4", "mix.batch-mixing=batch");
  }

  @Test
  void aResumeKeepsTheRunsBatchMixingAndARunRecordedBeforeTheKeyResumesWholeBatches() throws IOException {
    TrainingRun.Outcome done = TrainingRun.run(RunFixtures.config(dir, "mixing", "train.steps=4", "mix.method=uni",
        "train.checkpoint-every=2"));
    UserError change = assertThrows(UserError.class,
        () -> TrainingRun.resume(done.runDir(), List.of("mix.batch-mixing=batch")));
    assertTrue(change.getMessage().startsWith("resume cannot change mix.batch-mixing"), change.getMessage());

    // A run folder written before mix.batch-mixing existed: its config has no such key, and
    // its steps were whole batches; it resumes so, and says so.
    Path config = done.runDir().resolve("config.conf");
    String without = Files.readString(config).replaceAll("(?m)^\\s*\"?batch-mixing\"?\\s*=.*$", "");
    assertFalse(without.contains("batch-mixing"), without);
    Files.writeString(config, without);
    TrainingRun.Handle resumed = TrainingRun.resume(done.runDir(), List.of("train.steps=6"));
    assertTrue(resumed.notices().stream().anyMatch(n -> n.contains("mix.batch-mixing=batch")), resumed.notices().toString());
    assertEquals(6, resumed.await().steps());
    assertTrue(Files.readString(config).contains("batch-mixing = batch")
        || Files.readString(config).contains("batch-mixing=batch")
        || Files.readString(config).contains("\"batch-mixing\" : \"batch\""), Files.readString(config));
    for (String line : Files.readAllLines(done.runDir().resolve("metrics.jsonl"))) {
      JsonObject o = JsonParser.parseString(line).getAsJsonObject();
      if (o.get("event").getAsString().equals("train") && o.get("step").getAsLong() >= 4) {
        assertEquals(1, o.getAsJsonObject("examples").size(), "one dataset per step after the resume: " + line);
      }
    }
  }

  @Test
  void aRunPackedIntoShortRowsResumedFromItsCheckpointEqualsTheStraightRun() throws IOException {
    // Rows shorter than data.max-length: long examples get rows of their own, short ones share.
    assertResumeIsExact(dir, "packed", "mix.apply=sync", "mix.lag-steps=0", "train.packing=true", "train.pack-length=96");
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
