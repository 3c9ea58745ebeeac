package io.skillmix.cli;

import io.skillmix.cli.CliRun.Result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataCommandTest {

  @TempDir
  Path dir;

  private static Result run(String... args) {
    return CliRun.run(args);
  }

  @Test
  void cleanFileExitsZeroWithCounts() throws IOException {
    Path file = dir.resolve("good.jsonl");
    Files.writeString(file, """
        {"instruction": "Add two and three.", "output": "Two plus three is five."}
        {"instruction": "Name a colour.", "input": "", "output": "Blue."}
        """);
    Result r = run("data", "check", file.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err());
    assertTrue(r.out().contains("format  alpaca (detected)"), r.out());
    // 2 examples, 4 turns, 2.00 per example, 13 words, instruction 3.5, response 3.0 words.
    assertTrue(r.out().lines().anyMatch(l -> l.matches("good\\.jsonl\\s+2\\s+4\\s+2\\.00\\s+13\\s+3\\.5\\s+3\\.0")), r.out());
  }

  /** Issue 28 #3: GSM8K as published, checked with --columns; a mapped field missing on a line is FILE:LINE. */
  @Test
  void checkTakesAColumnMapping() throws IOException {
    Path file = dir.resolve("gsm8k.jsonl");
    Files.writeString(file, io.skillmix.data.format.ColumnMappingTestAccess.GSM8K
        + "{\"question\": \"no answer here\"}\n");
    Result unmapped = run("data", "check", file.toString());
    assertEquals(2, unmapped.code());
    assertTrue(unmapped.err().contains("cannot tell the dataset format"), unmapped.err());
    Result r = run("data", "check", "--columns", "prompt=question,response=answer", file.toString());
    assertEquals(2, r.code(), r.err());
    assertEquals(List.of(file + ":3: missing field 'answer' (columns.response)", "skillmix: 1 fault in " + file),
        r.err().lines().toList());
    assertTrue(r.out().contains("format  columns {prompt = question, response = answer}"), r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.matches("gsm8k\\.jsonl\\s+2\\s+4\\s.*")), r.out());
    Result both = run("data", "check", "--format", "alpaca", "--columns", "prompt=question,response=answer",
        file.toString());
    assertEquals(2, both.code());
    assertEquals("skillmix: --format alpaca and --columns both say how to read the records; give one of them",
        both.err().strip());
    Result tagsAlone = run("data", "check", "--tags", "role=speaker", file.toString());
    assertEquals(2, tagsAlone.code());
    assertTrue(tagsAlone.err().contains("--tags: tags name the fields of messages' turns"), tagsAlone.err());
  }

  @Test
  void faultsArePrintedAndExitTwoWithoutStackTrace() throws IOException {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, """
        [
          {"prompt": "a", "response": "b"},
          {"prompt": "c", "response": 7},
          {"prompt": "e", "response": ""}
        ]
        """);
    Result r = run("data", "check", "--format", "prompt-response", file.toString());
    assertEquals(2, r.code());
    List<String> errLines = r.err().lines().toList();
    assertEquals(List.of(
        file + ":3: field 'response' must be a string, found a number",
        file + ":4: empty 'response'",
        "skillmix: 2 faults in " + file), errLines);
    assertFalse(r.err().contains("Exception"));
    assertTrue(r.out().contains("format  prompt-response"), r.out());
  }

  @Test
  void missingFileAndBadFormatAreUserErrors() {
    Result missing = run("data", "check", dir.resolve("none.jsonl").toString());
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("none.jsonl: dataset file not found"), missing.err());
    Result format = run("data", "check", "--format", "csv", dir.resolve("x").toString());
    assertEquals(2, format.code());
    assertTrue(format.err().contains("unknown dataset format 'csv'"), format.err());
  }

  @Test
  void checkAcceptsMessagesConversationsTextAndGzip() throws IOException {
    Result mos = run("data", "check", "src/test/resources/datasets/mos-conversations.jsonl");
    assertEquals(0, mos.code(), mos.err());
    assertTrue(mos.out().contains("format  messages (detected)"), mos.out());
    assertTrue(mos.out().lines().anyMatch(l -> l.matches("mos-conversations\\.jsonl\\s+3\\s+8\\s+2\\.67.*")), mos.out());
    Path text = dir.resolve("text.jsonl.gz");
    try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(text))) {
      out.write("{\"text\": \"Once upon a time.\"}\n{\"text\": \"The end.\"}\n".getBytes(StandardCharsets.UTF_8));
    }
    Result gz = run("data", "check", text.toString());
    assertEquals(0, gz.code(), gz.err());
    assertTrue(gz.out().contains("format  text (detected)"), gz.out());
    Result parquet = run("data", "check", "src/test/resources/datasets/mos-conversations.parquet");
    assertEquals(0, parquet.code(), parquet.err());
    assertTrue(parquet.out().contains("format  messages (detected)"), parquet.out());
    assertTrue(parquet.out().lines().anyMatch(l -> l.matches("mos-conversations\\.parquet\\s+3\\s+8\\s+2\\.67.*")),
        parquet.out());
    Path messages = dir.resolve("m.json");
    Files.writeString(messages, "[{\"messages\": [{\"role\": \"user\", \"content\": \"q\"},"
        + " {\"role\": \"assistant\", \"content\": \"a\"}]}]");
    Result m = run("data", "check", messages.toString());
    assertEquals(0, m.code(), m.err());
    assertTrue(m.out().contains("format  messages (detected)"), m.out());
  }

  @Test
  void checkRefusesWhatIsNoDatasetInOneLine() throws IOException {
    Path folder = Files.createDirectory(dir.resolve("folder"));
    Path object = dir.resolve("object.json");
    Files.writeString(object, "{\n  \"instruction\": \"a\",\n  \"output\": \"b\"\n}\n");
    Path unknown = dir.resolve("qa.jsonl");
    Files.writeString(unknown, "{\"question\": \"q\", \"answer\": \"a\"}\n");
    for (String[] c : List.of(new String[] {folder.toString(), "a directory"},
        new String[] {"/dev/zero", "not a regular file"},
        new String[] {object.toString(), "the file is a JSON object, not an array or JSON Lines"},
        new String[] {unknown.toString(), "fields 'question', 'answer'"})) {
      if (!Files.exists(Path.of(c[0]))) {
        continue;
      }
      Result r = run("data", "check", c[0]);
      assertEquals(2, r.code(), r.err());
      assertEquals(1, r.err().lines().count(), r.err());
      assertTrue(r.err().contains(c[1]), r.err());
    }
  }

  @Test
  void statsPrintsTheBuiltinMix() {
    Result r = run("data", "stats", "data.builtin.total=4000", "seed=5");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("seed 5, total 4000"), r.out());
    // The default mix gives 30% of the examples to the noise set (data.builtin.noise = 0.3).
    assertTrue(r.out().lines().anyMatch(l -> l.matches("math \\(train\\)\\s+650\\s+1300\\s+2\\.00.*")), r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.matches("noise \\(train\\)\\s+1140\\s+2280\\s+2\\.00.*")), r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.matches("all\\s+4000\\s+8000\\s+2\\.00.*")), r.out());
    Result skills = run("data", "stats", "data.builtin.total=4000", "seed=5", "data.builtin.noise=0");
    assertTrue(skills.out().lines().anyMatch(l -> l.matches("math \\(train\\)\\s+950\\s+1900\\s+2\\.00.*")), skills.out());
    assertTrue(skills.out().lines().noneMatch(l -> l.startsWith("noise")), skills.out());
    Result bad = run("data", "stats", "data.builtin.total=10");
    assertEquals(2, bad.code());
    assertTrue(bad.err().startsWith("skillmix: data.builtin.total = 10 is too small"), bad.err());
  }
}
