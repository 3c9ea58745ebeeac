package io.skillmix.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest {

  @TempDir Path run;

  private static Path write(Checkpoints store, long step, String text) throws IOException {
    Checkpoints.Pending pending = store.begin(step);
    Files.createDirectories(pending.folder().resolve("model"));
    Files.writeString(pending.folder().resolve("state.json"), text);
    Files.writeString(pending.folder().resolve("model/weights.bin"), "w" + step);
    return pending.commit();
  }

  @Test
  void committedCheckpointsAreCompleteAndOnlyTheNewestAreKept() throws IOException {
    Checkpoints store = new Checkpoints(run, 2);
    assertTrue(store.latest().isEmpty());
    Path first = write(store, 10, "a");
    assertEquals(run.resolve("checkpoints/step-000010"), first);
    assertTrue(Checkpoints.isComplete(first));
    assertTrue(Files.exists(first.resolve(Checkpoints.MANIFEST)));
    write(store, 20, "b");
    Path third = write(store, 30, "c");
    assertEquals(List.of(run.resolve("checkpoints/step-000020"), third), store.complete());
    assertFalse(Files.exists(first), "older than the two newest: removed");
    assertEquals(third, store.latest().orElseThrow());
    assertEquals(30, Checkpoints.stepOf(third));
  }

  @Test
  void anAbandonedOrDamagedFolderIsNeverTakenForACheckpoint() throws IOException {
    Checkpoints store = new Checkpoints(run, 3);
    Path good = write(store, 5, "good");
    // A kill while the next one was being written: a temporary folder with files, no manifest.
    Checkpoints.Pending crashed = store.begin(10);
    Files.writeString(crashed.folder().resolve("state.json"), "half");
    // A folder with the right name but no manifest (copied by hand, or a crash of another tool).
    Files.createDirectories(run.resolve("checkpoints/step-000015"));
    Files.writeString(run.resolve("checkpoints/step-000015/state.json"), "x");
    assertEquals(good, store.latest().orElseThrow());

    // A file changed after the manifest was written: the checksum no longer matches.
    Path damaged = write(store, 20, "fine");
    assertFalse(Files.exists(crashed.folder()), "leftover temporary folders go at the next commit");
    Files.writeString(damaged.resolve("model/weights.bin"), "truncated");
    assertFalse(Checkpoints.isComplete(damaged));
    assertEquals(good, store.latest().orElseThrow());
    assertEquals("good", Files.readString(good.resolve("state.json")));
  }

  @Test
  void theSameStepWrittenAgainReplacesTheOldOne() throws IOException {
    Checkpoints store = new Checkpoints(run, 2);
    write(store, 8, "first");
    Path again = write(store, 8, "second");
    assertEquals("second", Files.readString(again.resolve("state.json")));
    assertEquals(List.of(again), store.complete());
  }
}
