package io.skillmix.merge;

import static io.skillmix.merge.MergeFixtures.folder;
import static io.skillmix.merge.MergeFixtures.randomTensors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.cli.CliProcess;
import io.skillmix.cli.CliRun;
import io.skillmix.cli.CliRun.Result;
import io.skillmix.output.TreeHash;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code merge --out}: never deletes an input, a folder around one, or a folder it did not write (issue 23 #5). */
class MergeOutputSafetyTest {

  @TempDir Path dir;

  private static Result merge(Path out, Path... inputs) {
    List<String> args = new ArrayList<>(List.of("merge", "--method", "average", "--inputs"));
    for (Path p : inputs) {
      args.add(p.toString());
    }
    args.addAll(List.of("--out", out.toString(), "--overwrite", "--no-progress"));
    return CliRun.run(args.toArray(String[]::new));
  }

  private static void assertRefused(Result r, String expected) {
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(r.err().startsWith("skillmix: ") && r.err().contains(expected), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  @Test
  void anOutFolderHoldingAnInputIsRefusedAndTheInputKept() throws IOException {
    Path out = dir.resolve("work");
    Path a = folder(out.resolve("a"), randomTensors(1));
    Path b = folder(dir.resolve("b"), randomTensors(2));
    Files.writeString(out.resolve("notes.txt"), "mine");
    String before = TreeHash.of(dir);
    assertRefused(merge(out, a, b), "holds the input");
    assertEquals(before, TreeHash.of(dir));
    // Even a folder merge wrote earlier is not replaced while an input lies inside it.
    Files.writeString(out.resolve(".skillmix-output"), "skillmix merge\n");
    String marked = TreeHash.of(dir);
    assertRefused(merge(out, a, b), "holds the input");
    assertEquals(marked, TreeHash.of(dir));
  }

  @Test
  void anOutFolderInsideAnInputOrEqualToOneIsRefused() throws IOException {
    Path a = folder(dir.resolve("a"), randomTensors(1));
    Path b = folder(dir.resolve("b"), randomTensors(2));
    Path base = folder(dir.resolve("base"), randomTensors(3));
    String before = TreeHash.of(dir);
    assertRefused(merge(a.resolve("merged"), a, b), "inside the input");
    assertRefused(merge(dir.resolve("b/../a"), a, b), "is the input");
    Result viaBase = CliRun.run("merge", "--method", "average", "--inputs", a.toString(), b.toString(),
        "--base", base.toString(), "--out", base.toString(), "--overwrite", "--no-progress");
    assertRefused(viaBase, "is the input");
    assertEquals(before, TreeHash.of(dir));
  }

  @Test
  void symbolicLinksAreComparedByWhereTheyLead() throws IOException {
    Path a = folder(dir.resolve("models/a"), randomTensors(1));
    Path b = folder(dir.resolve("b"), randomTensors(2));
    Path linkToA = Files.createSymbolicLink(dir.resolve("link-a"), a);
    Path linkToModels = Files.createSymbolicLink(dir.resolve("link-models"), dir.resolve("models"));
    String before = TreeHash.of(dir);
    assertRefused(merge(linkToA, a, b), "is the input");
    assertRefused(merge(linkToModels, a, b), "holds the input");
    assertRefused(merge(dir.resolve("models"), linkToA, b), "holds the input");
    assertEquals(before, TreeHash.of(dir));
  }

  @Test
  void overwriteReplacesOnlyAnEarlierMergeOutput() throws IOException {
    Path a = folder(dir.resolve("a"), randomTensors(1));
    Path b = folder(dir.resolve("b"), randomTensors(2));
    Path mine = dir.resolve("mine");
    Files.createDirectories(mine.resolve("sub"));
    Files.writeString(mine.resolve("sub/thesis.tex"), "years of work");
    String before = TreeHash.of(dir);
    assertRefused(merge(mine, a, b), "not an earlier output of skillmix merge");
    assertEquals(before, TreeHash.of(dir));
    Path file = Files.writeString(dir.resolve("file.bin"), "data");
    String withFile = TreeHash.of(dir);
    assertRefused(merge(file, a, b), "not a folder");
    assertEquals(withFile, TreeHash.of(dir));

    Path out = dir.resolve("merged");
    assertEquals(0, merge(out, a, b).code());
    assertEquals("skillmix merge\n", Files.readString(out.resolve(".skillmix-output")));
    Files.writeString(out.resolve("stale.txt"), "from before");
    Path c = folder(dir.resolve("c"), randomTensors(3));
    Result again = merge(out, a, c);
    assertEquals(0, again.code(), again.err());
    assertFalse(Files.exists(out.resolve("stale.txt")), "the folder is replaced as a whole");
    assertTrue(Files.exists(out.resolve("model.safetensors")));
    try (var siblings = Files.list(dir)) {
      assertEquals(List.of(), siblings.filter(p -> p.getFileName().toString().startsWith(".")).toList(),
          "no staging or old folder is left beside the output");
    }
  }

  @Test
  void replacingAnEarlierOutputNeverFollowsALinkInsideIt() throws IOException {
    Path a = folder(dir.resolve("a"), randomTensors(1));
    Path b = folder(dir.resolve("b"), randomTensors(2));
    Path out = dir.resolve("merged");
    assertEquals(0, merge(out, a, b).code());
    Files.createSymbolicLink(out.resolve("inputs"), dir);
    String inputs = TreeHash.of(a) + TreeHash.of(b);
    assertEquals(0, merge(out, a, b).code());
    assertEquals(inputs, TreeHash.of(a) + TreeHash.of(b));
  }

  @Test
  void outDotIsRefusedInARealProcessAndTheCurrentFolderKept() throws Exception {
    Path work = Files.createDirectories(dir.resolve("here"));
    folder(work.resolve("a"), randomTensors(1));
    folder(work.resolve("b"), randomTensors(2));
    Files.writeString(work.resolve("notes.txt"), "mine");
    String before = TreeHash.of(dir);
    Result r = CliProcess.run(work, "merge", "--method", "average", "--inputs", "a", "b", "--out", ".", "--overwrite");
    assertRefused(r, "--out . holds the input a");
    assertEquals(before, TreeHash.of(dir));
    // The current folder is never replaced, even when an earlier merge wrote it.
    Path merged = Files.createDirectories(dir.resolve("merged"));
    Files.writeString(merged.resolve(".skillmix-output"), "skillmix merge\n");
    String marked = TreeHash.of(dir);
    r = CliProcess.run(merged, "merge", "--method", "average", "--inputs", work.resolve("a").toString(),
        work.resolve("b").toString(), "--out", ".", "--overwrite");
    assertRefused(r, "is the current folder");
    assertEquals(marked, TreeHash.of(dir));
  }

  @Test
  void noProgressBarIsDrawnIntoANonTerminal() throws Exception {
    Path a = folder(dir.resolve("a"), randomTensors(1));
    Path b = folder(dir.resolve("b"), randomTensors(2));
    Result r = CliProcess.run(dir, "merge", "--method", "average", "--inputs", "a", "b", "--out", "merged");
    assertEquals(0, r.code(), r.err());
    String printed = r.out() + r.err();
    assertFalse(printed.contains("\r"), printed);
    assertFalse(printed.contains("%"), printed);
    assertEquals("", r.err());
    assertEquals(1, r.out().lines().count(), r.out());
  }
}
