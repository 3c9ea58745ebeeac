package io.skillmix.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagedFolderTest {

  @TempDir Path dir;

  private Path earlierOutput() throws IOException {
    Path out = Files.createDirectories(dir.resolve("out"));
    OutputMarker.write(out, "merge");
    Files.writeString(out.resolve("model.safetensors"), "old weights");
    return out;
  }

  private List<String> names() throws IOException {
    try (var files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void commitSwapsTheNewFolderInMarkedAndLeavesNothingBeside() throws IOException {
    Path out = earlierOutput();
    try (StagedFolder staged = StagedFolder.create(out, "merge")) {
      Files.writeString(staged.path().resolve("model.safetensors"), "new weights");
      assertEquals("old weights", Files.readString(out.resolve("model.safetensors")), "untouched until commit");
      staged.commit();
    }
    assertEquals("new weights", Files.readString(out.resolve("model.safetensors")));
    assertTrue(OutputMarker.marks(out, "merge"));
    assertEquals(List.of("out"), names());
  }

  @Test
  void aFailedSwapPutsThePreviousOutputBack() throws IOException {
    Path out = earlierOutput();
    String before = TreeHash.of(out);
    try (StagedFolder staged = StagedFolder.create(out, "merge")) {
      AtomicFiles.deleteTree(staged.path()); // the second rename now fails, after the first moved the old one aside
      String message = assertThrows(UserError.class, staged::commit).getMessage();
      assertTrue(message.contains("the previous output is kept"), message);
    }
    assertEquals(before, TreeHash.of(out));
    assertEquals(List.of("out"), names());
  }

  @Test
  void anAbandonedStagingFolderIsRemoved() throws IOException {
    Path out = earlierOutput();
    String before = TreeHash.of(out);
    try (StagedFolder staged = StagedFolder.create(out, "merge")) {
      Files.writeString(staged.path().resolve("half"), "written");
    }
    assertEquals(before, TreeHash.of(out));
    assertFalse(names().stream().anyMatch(n -> n.endsWith(".tmp")), names().toString());
  }
}
