package io.skillmix.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A folder or file written atomically is there whole or not at all, and no temporary stays. */
class AtomicFilesTest {

  @TempDir Path dir;

  private static List<String> names(Path folder) throws IOException {
    try (Stream<Path> list = Files.list(folder)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aFolderWhoseWriterFailsIsNotThereAndTheOldOneStaysWhole() throws IOException {
    Path target = dir.resolve("final");
    AtomicFiles.writeFolder(target, tmp -> Files.writeString(tmp.resolve("config.json"), "old"));
    assertThrows(UncheckedIOException.class, () -> AtomicFiles.writeFolder(target, tmp -> {
      Files.writeString(tmp.resolve("config.json"), "new");
      throw new IOException("disk full while writing model.safetensors");
    }));
    assertEquals(List.of("final"), names(dir), "no temporary folder is left");
    assertEquals("old", Files.readString(target.resolve("config.json")));
    AtomicFiles.writeFolder(target, tmp -> Files.writeString(tmp.resolve("model.safetensors"), "new"));
    assertEquals(List.of("model.safetensors"), names(target), "replaced whole: nothing of the old folder is mixed in");
    assertEquals(List.of("final"), names(dir));
  }

  @Test
  void aFileIsReplacedInOneStep() throws IOException {
    Path file = dir.resolve("config.conf");
    AtomicFiles.writeString(file, "a");
    AtomicFiles.writeString(file, "b");
    assertEquals("b", Files.readString(file));
    assertEquals(List.of("config.conf"), names(dir));
  }

  @Test
  void aSecondLockOnARunFolderIsRefusedUntilTheFirstIsReleased() {
    try (RunLock first = RunLock.acquire(dir)) {
      io.skillmix.UserError e = assertThrows(io.skillmix.UserError.class, () -> RunLock.acquire(dir));
      assertFalse(e.getMessage().contains("\n"));
    }
    RunLock.acquire(dir).close();
  }

  @Test
  void relativePathsOfARunAreStoredAbsolute() {
    com.typesafe.config.Config c = io.skillmix.config.ConfigLoader.load(null, List.of(
        "model.path=some/model", "data.datasets=[{name=a, path=\"data/a.jsonl\"}]"));
    com.typesafe.config.Config abs = io.skillmix.run.RunPreparationAccess.withAbsolutePaths(c);
    assertEquals(Path.of("some/model").toAbsolutePath().toString(), abs.getString("model.path"));
    assertEquals(Path.of("data/a.jsonl").toAbsolutePath().toString(),
        abs.getConfigList("data.datasets").get(0).getString("path"));
  }
}
