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

class OutputGuardTest {

  @TempDir Path dir;

  private OutputGuard guard(Path... inputs) {
    return OutputGuard.of("merge", "--out", List.of(inputs), dir.resolve("elsewhere"));
  }

  private static String refusal(Runnable check) {
    return assertThrows(UserError.class, check::run).getMessage();
  }

  @Test
  void aNewPathBelowALinkResolvesWhereTheLinkLeads() throws IOException {
    Path real = Files.createDirectories(dir.resolve("real"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), real);
    assertEquals(real.toRealPath().resolve("new/out"), OutputGuard.real(link.resolve("new/out")));
    assertEquals(real.toRealPath(), guard().checkFolder(link, false), "the link keeps pointing at the output");
    Path input = Files.createDirectories(real.resolve("in"));
    assertTrue(refusal(() -> guard(input).checkFolder(link.resolve("in/x"), true)).contains("inside the input"));
  }

  @Test
  void theCurrentFolderAndItsParentsAreNeverAnOutput() throws IOException {
    Path out = Files.createDirectories(dir.resolve("out"));
    OutputMarker.write(out, "merge");
    Path inside = Files.createDirectories(out.resolve("sub"));
    for (Path cwd : List.of(out, inside)) {
      OutputGuard guard = OutputGuard.of("merge", "--out", List.of(), cwd);
      assertTrue(refusal(() -> guard.checkFolder(out, true)).contains("is the current folder or holds it"));
    }
    assertEquals(out.toRealPath(), guard().checkFolder(out, true));
    Path empty = Files.createDirectories(dir.resolve("empty"));
    OutputGuard fromEmpty = OutputGuard.of("model init", "--out", List.of(), empty);
    assertTrue(refusal(() -> fromEmpty.checkFolder(empty, false)).contains("current folder"),
        "a swapped-in output never replaces the current folder, even an empty one");
    assertEquals(empty.toRealPath(), fromEmpty.inPlace().checkFolder(empty, false),
        "an output written in place may fill an empty current folder");
  }

  @Test
  void anEmptyFolderMayBeUsedAndAMarkerOfAnotherCommandDoesNotCount() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertEquals(empty.toRealPath(), guard().checkFolder(empty, false));
    Path init = Files.createDirectories(dir.resolve("init"));
    OutputMarker.write(init, "model init");
    assertTrue(refusal(() -> guard().checkFolder(init, true)).contains("not an earlier output of skillmix merge"));
    Path linkedMarker = Files.createDirectories(dir.resolve("linked"));
    Files.createSymbolicLink(linkedMarker.resolve(OutputMarker.FILE), init.resolve(OutputMarker.FILE));
    assertFalse(OutputMarker.marks(linkedMarker, "model init"), "a marker must be a file of the folder itself");
  }

  @Test
  void aFileOutputIsNeverAnInputNorALinkToNothing() throws IOException {
    Path in = Files.writeString(dir.resolve("in.jsonl"), "{}\n");
    OutputGuard guard = OutputGuard.of("data select", "OUT", List.of(in), dir);
    assertTrue(refusal(() -> guard.checkFile(in, true)).contains("is the input"));
    Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("missing"));
    assertTrue(refusal(() -> guard.checkFile(dangling, true)).contains("a link to nothing"));
    Path other = Files.writeString(dir.resolve("other.jsonl"), "{}\n");
    assertTrue(refusal(() -> guard.checkFile(other, false)).contains("pass --overwrite"));
    assertEquals(other.toRealPath(), guard.checkFile(other, true));
  }
}
