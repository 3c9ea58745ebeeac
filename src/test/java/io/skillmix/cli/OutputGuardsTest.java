package io.skillmix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** compare --out and eval --out never write over a user's files (issue 33 A3, A4). */
class OutputGuardsTest {

  @Test
  void compareRefusesAFolderThatIsNoComparison(@TempDir Path dir) throws Exception {
    Path notes = Files.createDirectories(dir.resolve("notes"));
    Files.writeString(notes.resolve("table.md"), "my own table\n");
    CliRun.Result r = CliRun.run("compare", "--out", notes.toString(), "--arms", "uni", "--seeds", "1");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("not a comparison folder"), r.err());
    assertEquals("my own table\n", Files.readString(notes.resolve("table.md")));
    assertEquals(1, Files.list(notes).count());
  }

  @Test
  void evalRefusesToReplaceAFileWithoutOverwrite(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("results.json");
    Files.writeString(out, "keep me\n");
    CliRun.Result r = CliRun.run("eval", "--model", dir.resolve("model").toString(), "--out", out.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("exists") && r.err().contains("--overwrite"), r.err());
    assertEquals("keep me\n", Files.readString(out));
  }
}
