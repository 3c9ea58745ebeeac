package io.skillmix.compare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The experiments' raw records live in one archive each (docs/results/EXP/records.zip): packing
 * loses nothing and is byte-for-byte repeatable, and the archived async ablation's tables come out
 * of its records again, cell for cell.
 */
class RecordsArchiveTest {

  /** The smallest archived experiment: six arms, one seed each. */
  private static final Path ASYNC = Path.of("docs/results/ablation-async");

  @TempDir
  Path dir;

  @Test
  void theArchivedAblationsTablesComeOutOfItsRecordsAgain() {
    List<RecomputedTables.Check> checks = RecomputedTables.run(ASYNC, dir.resolve("again"));
    assertEquals(1, checks.size());
    assertEquals("table.md", checks.get(0).file());
    assertEquals(List.of(), checks.get(0).differences());
    assertEquals(6 * 7, checks.get(0).cells(), "six arms, seven kept columns each");
  }

  @Test
  void aChangedRecordIsADifference() throws IOException {
    Path copy = dir.resolve("copy");
    Files.createDirectories(copy);
    for (String f : List.of("compare.conf", "table.md")) {
      Files.copy(ASYNC.resolve(f), copy.resolve(f));
    }
    Path records = dir.resolve("records");
    RecordsArchive.unpack(ASYNC.resolve(RecordsArchive.FILE), records);
    Path eval = records.resolve("free/seed-1/eval.json");
    String text = Files.readString(eval);
    String changed = text.replaceFirst(
        "(\"task\": \"definitions\",\\s*\"metric\": \"accuracy\",\\s*\"value\": )0\\.32", "$10.36");
    assertFalse(text.equals(changed), "the fixture holds definitions' accuracy of 32%");
    Files.writeString(eval, changed);
    moveRecords(records, copy);
    RecordsArchive.pack(copy);

    List<String> differences = RecomputedTables.run(copy, dir.resolve("again")).get(0).differences();
    assertTrue(differences.stream().anyMatch(d -> d.startsWith("free / definitions acc %: kept 32.00, again 36.00")),
        differences.toString());
  }

  @Test
  void packingMovesEveryRecordIntoOneRepeatableArchive() throws IOException {
    Path records = dir.resolve("records");
    int count = RecordsArchive.unpack(ASYNC.resolve(RecordsArchive.FILE), records);
    assertEquals(42, count);
    Files.writeString(records.resolve("table.md"), "kept\n");
    Files.createDirectories(records.resolve("plots"));
    Files.writeString(records.resolve("plots/time.png"), "kept");
    Path again = dir.resolve("again");
    RecordsArchive.unpack(ASYNC.resolve(RecordsArchive.FILE), again);

    assertEquals(42, RecordsArchive.pack(records));
    assertEquals(List.of("plots", RecordsArchive.FILE, "table.md"), list(records), "arm folders gone, the rest kept");
    assertArrayEquals(Files.readAllBytes(ASYNC.resolve(RecordsArchive.FILE)),
        Files.readAllBytes(records.resolve(RecordsArchive.FILE)), "the same records pack to the same bytes");

    Path unpacked = dir.resolve("unpacked");
    RecordsArchive.unpack(records.resolve(RecordsArchive.FILE), unpacked);
    for (Path f : RecordsArchive.recordFiles(again)) {
      assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(unpacked.resolve(again.relativize(f))), f.toString());
    }
  }

  @Test
  void anEntryOutsideTheFolderIsRefused() throws IOException {
    Path archive = dir.resolve(RecordsArchive.FILE);
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(archive))) {
      zip.putNextEntry(new ZipEntry("../escaped.txt"));
      zip.write("x".getBytes());
    }
    UserError e = assertThrows(UserError.class, () -> RecordsArchive.unpack(archive, dir.resolve("out")));
    assertTrue(e.getMessage().contains("points outside the folder"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("escaped.txt")));
  }

  private static void moveRecords(Path from, Path to) throws IOException {
    for (Path f : RecordsArchive.recordFiles(from)) {
      Path target = to.resolve(from.relativize(f).toString());
      Files.createDirectories(target.getParent());
      Files.move(f, target);
    }
  }

  private static List<String> list(Path folder) throws IOException {
    try (var s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
