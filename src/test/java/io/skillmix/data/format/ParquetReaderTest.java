package io.skillmix.data.format;

import static io.skillmix.data.format.DatasetFormatsTest.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.UserError;
import io.skillmix.data.Conversation;
import io.skillmix.data.Role;
import io.skillmix.data.Turn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parquet files written by two independent writers (DuckDB and arrow-rs; see
 * src/test/resources/datasets/make-parquet.mjs) read as the same records as their JSON.
 */
class ParquetReaderTest {

  @TempDir
  Path dir;

  private static LoadedDataset load(String name) {
    return DatasetReader.load(resource(name), null, OnError.FAIL, 5);
  }

  private static List<String> entries(Path file) {
    List<String> out = new ArrayList<>();
    try (DatasetReader reader = DatasetReader.open(file, null)) {
      reader.forEachRemaining(e -> out.add(e.toString()));
    }
    return out;
  }

  @Test
  void theMixtureOfSkillsLayoutReadsAsItsJsonLines() {
    LoadedDataset parquet = load("mos-conversations.parquet"); // DuckDB, ZSTD, data page v1
    assertEquals(load("mos-conversations.jsonl").conversations(), parquet.conversations());
    assertEquals(3, parquet.conversations().size());
    assertEquals(DatasetFormat.MESSAGES, parquet.report().format());
  }

  @Test
  void messagesWithEveryRoleFromDataPagesV2() {
    // DuckDB, Snappy, data page v2 with DELTA_LENGTH_BYTE_ARRAY strings and a DELTA_BINARY_PACKED id.
    assertEquals(List.of(
        new Conversation(List.of(new Turn(Role.SYSTEM, "Be brief."), new Turn(Role.USER, "Weather?"),
            new Turn(Role.ASSISTANT, "Calling the tool."), new Turn(Role.TOOL, "sunny"),
            new Turn(Role.ASSISTANT, "Sunny."))),
        Conversation.of("Hi", "Hello"),
        Conversation.of("Ünïcödé?", "ありがとう")), load("messages-v2-snappy.parquet").conversations());
  }

  @Test
  void arrowRsFilesInSeveralRowGroupsAndDeltaByteArrays() {
    List<Conversation> expected = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      expected.add(Conversation.of("Question " + i + "?", "Answer " + i + "."));
    }
    // Dictionary pages, ZSTD, row groups of 2 rows; then PLAIN-free v2 pages with DELTA_BYTE_ARRAY.
    assertEquals(expected, load("messages-arrow-zstd.parquet").conversations());
    assertEquals(expected, load("messages-arrow-plain-v2.parquet").conversations());
  }

  @Test
  void alpacaWithANullInputAndPlainText() {
    assertEquals(List.of(Conversation.of("Add the numbers.\n\n2 and 3", "5"), Conversation.of("Say hi.", "Hi!"),
        Conversation.of("Say hi.", "Hi!"), Conversation.of("Add the numbers.\n\n4 and 4", "8")),
        load("alpaca-gzip.parquet").conversations());
    LoadedDataset text = load("text-uncompressed.parquet");
    assertEquals(List.of(Conversation.plain("Once upon a time."), Conversation.plain("The end.")), text.conversations());
    assertEquals(DatasetFormat.TEXT, text.report().format());
  }

  @Test
  void badRowsAreFaultsNamingTheirRow() {
    Path file = resource("prompt-response-faults.parquet");
    assertEquals(List.of(new Record(1, Conversation.of("a", "b")).toString(),
        file + ":2: field 'response' must be a string, found null",
        file + ":3: empty 'response'",
        new Record(4, Conversation.of("g", "h")).toString()), entries(file));
    UserError unknown = assertThrows(UserError.class, () -> entries(resource("question-answer.parquet")));
    assertEquals(resource("question-answer.parquet") + ":1: cannot tell the dataset format: the record has the"
        + " fields 'question', 'answer' but none of " + DatasetFormat.signatureKeys(), unknown.getMessage());
  }

  @Test
  void aFileWithoutRowsIsAFault() {
    Path file = resource("empty.parquet");
    assertEquals(List.of(file + ":1: empty Parquet file, no rows"), entries(file));
  }

  @Test
  void aCutFileIsOneLine() throws IOException {
    byte[] whole = Files.readAllBytes(resource("mos-conversations.parquet"));
    Path cut = dir.resolve("cut.parquet");
    Files.write(cut, Arrays.copyOf(whole, whole.length - 100));
    UserError e = assertThrows(UserError.class, () -> entries(cut));
    assertEquals(cut + ": Parquet file: not a whole Parquet file (its footer is missing; was it cut short?)",
        e.getMessage());
  }

  private Path parquet(String name, ParquetBytes file) throws IOException {
    return Files.write(dir.resolve(name), file.bytes());
  }

  /** The hand-made writer itself: a plain file reads as its columns. */
  @Test
  void aHandWrittenFileReads() throws IOException {
    Path file = parquet("plain.parquet", new ParquetBytes().column("prompt", "a", "ü").column("response", "b", "ß"));
    assertEquals(List.of(Conversation.of("a", "b"), Conversation.of("ü", "ß")), load(file));
    ParquetBytes gz = new ParquetBytes().column("prompt", "a").column("response", "b");
    gz.gzipPages = true;
    assertEquals(List.of(Conversation.of("a", "b")), load(parquet("gz.parquet", gz)));
  }

  private static List<Conversation> load(Path file) {
    return DatasetReader.load(file, null, OnError.FAIL, 5).conversations();
  }

  /** Issue 33 E5: bytes that are not UTF-8 make the row a fault, as in JSON Lines, never U+FFFD trained on. */
  @Test
  void invalidUtf8InAStringIsAFaultOfItsRow() throws IOException {
    Path file = parquet("latin1.parquet", new ParquetBytes()
        .rawColumn("prompt", "ok".getBytes(), new byte[] {'c', 'a', 'f', (byte) 0xE9}, "real �".getBytes(StandardCharsets.UTF_8))
        .column("response", "fine", "bad", "kept"));
    assertEquals(List.of(new Record(1, Conversation.of("ok", "fine")).toString(),
        file + ":2: column 'prompt' holds bytes that are not valid UTF-8; write the column as UTF-8 text",
        new Record(3, Conversation.of("real �", "kept")).toString()), entries(file));
    UserError e = assertThrows(UserError.class, () -> load(file));
    assertTrue(e.getMessage().startsWith(file + ":2: column 'prompt' holds bytes that are not valid UTF-8"), e.getMessage());
    // A column no record reads is not decoded, so its bytes do not matter.
    Path other = parquet("other.parquet", new ParquetBytes().column("prompt", "a").column("response", "b")
        .rawColumn("image", new byte[] {(byte) 0xFF, (byte) 0xD8}));
    assertEquals(List.of(Conversation.of("a", "b")), load(other));
  }

  /** Issue 33 E13: metadata that contradicts itself is refused in one line. */
  @Test
  void anEmptySchemaAndAColumnWhoseTypeDisagreesAreRefused() throws IOException {
    ParquetBytes empty = new ParquetBytes().column("prompt", "a").column("response", "b");
    empty.emptySchema = true;
    Path e = parquet("empty-schema.parquet", empty);
    assertEquals(e + ": Parquet file: damaged metadata: the schema has no columns",
        assertThrows(UserError.class, () -> entries(e)).getMessage());
    ParquetBytes typed = new ParquetBytes().column("prompt", "a").column("response", "b");
    typed.chunkType = ParquetBytes.INT32;
    Path t = parquet("types.parquet", typed);
    assertEquals(t + ": Parquet file: damaged metadata: column 'prompt' is BYTE_ARRAY in the schema but INT32 in"
        + " row group 0", assertThrows(UserError.class, () -> entries(t)).getMessage());
  }

  /** Issue 33 E13: an honest page over the limit is called too large, with the limit, not damaged. */
  @Test
  void anHonestPageOverTheLimitSaysSoAndNamesTheLimit() throws IOException {
    byte[] huge = new byte[300 << 20];
    Arrays.fill(huge, (byte) 'a');
    ParquetBytes big = new ParquetBytes().rawColumn("prompt", huge).column("response", "b");
    big.gzipPages = true; // 300 MiB of one letter: a GZIP page of about 0.3 MiB
    Path file = parquet("huge-page.parquet", big);
    UserError e = assertThrows(UserError.class, () -> entries(file));
    assertEquals(file + ": Parquet file: column 'prompt': a page header gives 314,572,804 bytes, more than the"
        + " 268,435,456 bytes (256 MiB) one page may hold here; write the file with smaller pages (pyarrow:"
        + " data_page_size; writers cut pages at about 1 MiB by default)", e.getMessage());
    assertTrue(!e.getMessage().contains("damaged"));
  }

  /** A damaged byte (every fifth position tried) either still reads or ends in one clear line, never a crash. */
  @Test
  void damagedBytesNeverCrashTheReader() throws IOException {
    for (String name : List.of("mos-conversations.parquet", "messages-arrow-zstd.parquet",
        "messages-v2-snappy.parquet", "alpaca-gzip.parquet")) {
      byte[] whole = Files.readAllBytes(resource(name));
      Path damaged = dir.resolve("damaged-" + name);
      int refused = 0;
      for (int at = 4; at < whole.length - 4; at += 5) {
        byte[] bytes = whole.clone();
        bytes[at] ^= (byte) 0x5A;
        Files.write(damaged, bytes);
        try {
          entries(damaged);
        } catch (UserError e) {
          refused++;
          assertEquals(1, e.getMessage().lines().count(), e::getMessage);
          assertTrue(e.getMessage().startsWith(damaged + ":"), e::getMessage);
        }
      }
      assertTrue(refused > 0, name);
    }
  }
}
