package io.skillmix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.cli.CliRun.Result;
import io.skillmix.output.TreeHash;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code data select}: never writes over its input or the model, replaces OUT only when asked (issue 23 #5, #25, #26). */
class DataSelectCommandTest {

  @TempDir static Path shared;
  static Path model;

  @TempDir Path dir;

  @BeforeAll
  static void tinyModel() {
    model = shared.resolve("tiny");
    Result r = CliRun.run("model", "init", "--preset", "tiny", "--out", model.toString(), "--seed", "3");
    assertEquals(0, r.code(), r.err());
  }

  private Path dataset() throws IOException {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      lines.append("{\"instruction\": \"Count to ").append(i).append(".\", \"output\": \"")
          .append("one ".repeat(i + 1).strip()).append("\"}\n");
    }
    return Files.writeString(dir.resolve("in.jsonl"), lines);
  }

  private static Result select(Path in, Path out, String... flags) {
    List<String> args = new java.util.ArrayList<>(List.of("data", "select", "--model", model.toString(),
        "--keep", "0.1", "--batch-size", "4"));
    args.addAll(List.of(flags));
    args.addAll(List.of(in.toString(), out.toString()));
    return CliRun.run(args.toArray(String[]::new));
  }

  /** Refused with one line (after the deprecation note, for --force). */
  private static void assertRefused(Result r, String expected) {
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(r.err().contains(expected), r.err());
    assertEquals(1, r.err().strip().lines().filter(l -> !l.contains("--force is deprecated")).count(), r.err());
  }

  @Test
  void theInputIsNeverReplacedByItsSubset() throws IOException {
    Path in = dataset();
    Path link = Files.createSymbolicLink(dir.resolve("link.jsonl"), in);
    Path hard = Files.createLink(dir.resolve("hard.jsonl"), in);
    String before = TreeHash.of(dir);
    String models = TreeHash.of(model);
    assertRefused(select(in, in, "--overwrite"), "is the input");
    assertRefused(select(in, in, "--force"), "is the input");
    assertRefused(select(in, link, "--overwrite"), "is the input");
    assertRefused(select(in, hard, "--overwrite"), "is the input");
    assertRefused(select(in, dir.resolve("sub/../in.jsonl"), "--overwrite"), "is the input");
    assertRefused(select(in, model.resolve("tokenizer.json"), "--overwrite"), "inside the input");
    assertRefused(select(in, dir, "--overwrite"), "is a folder");
    assertEquals(before, TreeHash.of(dir));
    assertEquals(models, TreeHash.of(model));
  }

  @Test
  void anExistingOutIsReplacedOnlyWithOverwriteAndForceStillWorks() throws IOException {
    Path in = dataset();
    Path out = Files.writeString(dir.resolve("out.jsonl"), "old\n");
    String before = TreeHash.of(dir);
    assertRefused(select(in, out), "pass --overwrite");
    assertEquals(before, TreeHash.of(dir));

    Result replaced = select(in, out, "--overwrite");
    assertEquals(0, replaced.code(), replaced.err());
    assertTrue(replaced.out().startsWith("kept 1 of 10 examples"), replaced.out());
    assertEquals(1, Files.readAllLines(out).size());
    assertNotEquals("old", Files.readAllLines(out).get(0));

    Result forced = select(in, out, "--force");
    assertEquals(0, forced.code(), forced.err());
    assertTrue(forced.err().contains("--force is deprecated; use --overwrite"), forced.err());
    try (var files = Files.list(dir)) {
      assertEquals(List.of("in.jsonl", "out.jsonl"), files.map(p -> p.getFileName().toString()).sorted().toList(),
          "no temporary file is left beside OUT");
    }
  }

  @Test
  void noProgressBarIsDrawnIntoANonTerminal() throws Exception {
    Path in = dataset();
    Result r = CliProcess.run(dir, "data", "select", "--model", model.toString(), "--keep", "0.5",
        "--batch-size", "2", in.getFileName().toString(), "out.jsonl");
    assertEquals(0, r.code(), r.err());
    String printed = r.out() + r.err();
    assertFalse(printed.contains("\r"), printed);
    assertFalse(printed.contains("%"), printed);
    assertFalse(printed.contains("ifd"), printed);
    assertEquals(1, r.out().lines().count(), r.out());
  }
}
