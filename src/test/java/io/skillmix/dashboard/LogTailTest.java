package io.skillmix.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** metrics.jsonl read as a run writes it: whole lines only, a cut-back or new file noticed. */
class LogTailTest {

  @TempDir Path dir;

  private static void append(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private static String train(int step, String loss) {
    return "{\"event\":\"train\",\"step\":" + step + ",\"loss\":" + loss + "}";
  }

  @Test
  void aFileThatIsNotThereYetHasNoLinesAndIsReadOnceItIs() throws IOException {
    Path file = dir.resolve("metrics.jsonl");
    LogTail tail = new LogTail(file);
    assertEquals(0, tail.since(0, 100).total());
    append(file, train(0, "2.5") + "\n");
    LogTail.Slice slice = tail.since(0, 100);
    assertEquals(List.of(train(0, "2.5")), slice.lines());
    assertEquals(0, slice.generation());
  }

  @Test
  void aLineStillBeingWrittenIsLeftForLaterAndThenReadWhole() throws IOException {
    Path file = dir.resolve("metrics.jsonl");
    LogTail tail = new LogTail(file);
    String line = train(1, "2.25");
    append(file, train(0, "2.5") + "\n" + line.substring(0, 17));
    assertEquals(List.of(train(0, "2.5")), tail.since(0, 100).lines(), "the partial line is not served");
    assertEquals(1, tail.since(0, 100).total());
    append(file, line.substring(17) + "\n");
    LogTail.Slice slice = tail.since(1, 100);
    assertEquals(List.of(line), slice.lines());
    assertEquals(0, slice.unreadable(), "the two halves made one line, not a broken one");
  }

  @Test
  void slicesArePagedFromWhereThePageIs() throws IOException {
    Path file = dir.resolve("metrics.jsonl");
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 7; i++) {
      text.append(train(i, "1.0")).append('\n');
    }
    append(file, text.toString());
    LogTail tail = new LogTail(file);
    LogTail.Slice first = tail.since(0, 3);
    assertEquals(0, first.from());
    assertEquals(3, first.next());
    assertEquals(7, first.total());
    LogTail.Slice rest = tail.since(first.next(), 100);
    assertEquals(List.of(train(3, "1.0"), train(4, "1.0"), train(5, "1.0"), train(6, "1.0")), rest.lines());
    assertEquals(0, tail.since(99, 10).lines().size(), "past the end: nothing");
  }

  @Test
  void aFileCutBackToACheckpointIsANewGenerationReadFromItsFirstLine() throws IOException {
    Path file = dir.resolve("metrics.jsonl");
    append(file, train(0, "3.0") + "\n" + train(1, "2.9") + "\n" + train(2, "2.8") + "\n");
    LogTail tail = new LogTail(file);
    assertEquals(3, tail.since(0, 100).total());
    // A resume cuts the file back to its checkpoint and appends: here longer than before.
    Files.writeString(file, train(0, "3.0") + "\n" + train(1, "2.7") + "\n" + train(2, "2.6") + "\n" + train(3, "2.5")
        + "\n");
    LogTail.Slice slice = tail.since(3, 100);
    assertEquals(1, slice.generation(), "rewritten past the old end: still noticed");
    assertEquals(4, slice.total());
    assertEquals(train(1, "2.7"), tail.since(0, 100).lines().get(1));
  }

  @Test
  void aNewRunInTheSameFolderIsANewGeneration() throws IOException {
    Path file = dir.resolve("metrics.jsonl");
    append(file, train(0, "3.0") + "\n");
    LogTail tail = new LogTail(file);
    long before = tail.since(0, 100).generation();
    Files.delete(file);
    assertEquals(0, tail.since(0, 100).total(), "gone: nothing");
    append(file, train(0, "4.0") + "\n");
    LogTail.Slice slice = tail.since(0, 100);
    assertNotEquals(before, slice.generation());
    assertEquals(List.of(train(0, "4.0")), slice.lines());
  }

  @Test
  void aNonFiniteNumberIsServedAsNullAndABrokenLineIsCountedNotServed() throws IOException {
    Path file = dir.resolve("metrics.jsonl");
    append(file, train(0, "NaN") + "\nnot json at all\n[1,2]\n{unquoted: 1}\n" + train(1, "-Infinity")
        + "\n{\"event\":\"note\",\"message\":\"loss NaN at \\\"x\\\"\"}\n");
    LogTail.Slice slice = new LogTail(file).since(0, 100);
    assertEquals(List.of("{\"event\":\"train\",\"step\":0,\"loss\":null}", "{\"event\":\"train\",\"step\":1,\"loss\":null}",
        "{\"event\":\"note\",\"message\":\"loss NaN at \\\"x\\\"\"}"), slice.lines(),
        "a browser's JSON.parse refuses NaN; inside a string it is text");
    assertEquals(3, slice.unreadable(), "not JSON, not an object, not strict JSON");
  }
}
