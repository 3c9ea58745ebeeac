package io.skillmix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.cli.CliRun.Result;
import io.skillmix.data.Conversation;
import io.skillmix.data.format.DatasetReader;
import io.skillmix.data.format.OnError;
import io.skillmix.output.TreeHash;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    List<String> args = new ArrayList<>(List.of("data", "select", "--model", model.toString(),
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
      assertEquals(List.of("in.jsonl", "out.jsonl", "out.jsonl.summary.json"),
          files.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file is left beside OUT");
    }
  }

  /** An existing summary is an output like OUT: replaced only with --overwrite. */
  @Test
  void anExistingSummaryIsReplacedOnlyWithOverwrite() throws IOException {
    Path in = dataset();
    Path out = dir.resolve("fresh.jsonl");
    Files.writeString(dir.resolve("fresh.jsonl.summary.json"), "{}\n");
    assertRefused(select(in, out), "pass --overwrite");
    assertFalse(Files.exists(out));
    assertEquals(0, select(in, out, "--overwrite").code());
  }

  /**
   * The IFD filter is counted in the output line and the summary, and drops exactly the examples
   * the summary scores above 1; --random keeps as many, seeded, from the whole input.
   */
  @Test
  void theFilterIsCountedAndTheRandomBaselineHasTheSameSize() throws IOException {
    Path in = dataset();
    List<Conversation> input = read(in);
    Result ifd = scored(in, dir.resolve("ifd.jsonl"), "--no-ifd-filter", "--keep", "1.0");
    assertEquals(0, ifd.code(), ifd.err());
    List<Double> scores = scores(summary(dir.resolve("ifd.jsonl")));
    long above = scores.stream().filter(v -> v > 1).count();
    assertEquals(10, scores.size());
    assertEquals(input, read(dir.resolve("ifd.jsonl")));

    Result filtered = scored(in, dir.resolve("f.jsonl"), "--keep", "1.0");
    assertEquals(0, filtered.code(), filtered.err());
    assertTrue(filtered.out().contains(above + " with IFD > 1 dropped first"), filtered.out());
    Map<String, Object> s = summary(dir.resolve("f.jsonl"));
    assertEquals(above, ((Number) s.get("dropped_by_filter")).longValue());
    assertEquals(10 - above, ((Number) s.get("kept")).longValue());
    assertEquals(scores, scores(s));
    List<Conversation> expected = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      if (!(scores.get(i) > 1)) {
        expected.add(input.get(i));
      }
    }
    assertEquals(expected, read(dir.resolve("f.jsonl")), "exactly the examples with IFD <= 1, in input order");

    Result r1 = scored(in, dir.resolve("r1.jsonl"), "--keep", "1.0", "--random", "--seed", "5");
    Result r2 = scored(in, dir.resolve("r2.jsonl"), "--keep", "1.0", "--random", "--seed", "5");
    assertEquals(0, r1.code(), r1.err());
    assertEquals(0, r2.code(), r2.err());
    List<Conversation> drawn = read(dir.resolve("r1.jsonl"));
    assertEquals(expected.size(), drawn.size(), "the same size as the IFD selection");
    assertEquals(drawn, read(dir.resolve("r2.jsonl")), "seeded");
    assertTrue(input.containsAll(drawn));
    assertEquals("random", summary(dir.resolve("r1.jsonl")).get("method"));
    assertTrue(r1.out().startsWith("kept " + drawn.size() + " of 10 examples at random (seed 5"), r1.out());

    Result noModel = CliRun.run("data", "select", "--random", "--no-ifd-filter", "--count", "4", "--seed", "2",
        in.toString(), dir.resolve("r3.jsonl").toString());
    assertEquals(0, noModel.code(), noModel.err());
    assertEquals(4, read(dir.resolve("r3.jsonl")).size());
    assertTrue(input.containsAll(read(dir.resolve("r3.jsonl"))));
    assertRefused(CliRun.run("data", "select", "--random", "--keep", "0.5", in.toString(),
        dir.resolve("r4.jsonl").toString()), "--model is needed");
  }

  private static Result scored(Path in, Path out, String... flags) {
    List<String> args = new ArrayList<>(List.of("data", "select", "--model", model.toString(), "--batch-size", "4"));
    args.addAll(List.of(flags));
    args.addAll(List.of(in.toString(), out.toString()));
    return CliRun.run(args.toArray(String[]::new));
  }

  private static List<Conversation> read(Path file) {
    return DatasetReader.load(file, null, OnError.FAIL, 20).conversations();
  }

  private static List<Double> scores(Map<String, Object> summary) {
    return ((List<?>) summary.get("ifd")).stream().map(v -> ((Number) v).doubleValue()).toList();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> summary(Path out) throws IOException {
    return new com.google.gson.Gson().fromJson(Files.readString(out.resolveSibling(out.getFileName() + ".summary.json")),
        Map.class);
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
