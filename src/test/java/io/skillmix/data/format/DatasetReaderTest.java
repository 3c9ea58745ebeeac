package io.skillmix.data.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.UserError;
import io.skillmix.data.Conversation;
import io.skillmix.data.Role;
import io.skillmix.data.Turn;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetReaderTest {

  @TempDir
  Path dir;

  private Path write(String name, String text) throws IOException {
    return write(name, text.getBytes(StandardCharsets.UTF_8));
  }

  private Path write(String name, byte[] bytes) throws IOException {
    Path file = dir.resolve(name);
    Files.write(file, bytes);
    return file;
  }

  static List<Entry> readAll(Path file, DatasetFormat format) {
    List<Entry> entries = new ArrayList<>();
    try (DatasetReader reader = DatasetReader.open(file, format)) {
      reader.forEachRemaining(entries::add);
    }
    return entries;
  }

  private static List<String> faults(Path file) {
    return readAll(file, null).stream().filter(e -> e instanceof Fault).map(Object::toString).toList();
  }

  /** The single fault of a file whose other records are fine. */
  private String onlyFault(String name, String text) throws IOException {
    Path file = write(name, text);
    List<String> faults = faults(file);
    assertEquals(1, faults.size(), () -> "faults: " + faults);
    return faults.get(0);
  }

  // ---- formats ---------------------------------------------------------------------------------

  @Test
  void alpacaJoinsInstructionAndInputAndKeepsSystem() throws IOException {
    Path file = write("a.jsonl", """
        {"instruction": "Add the numbers.", "input": "2 and 3", "output": "5"}
        {"instruction": "Say hi.", "input": "", "output": "Hi!"}
        {"instruction": "Say hi.", "output": "Hi!", "system": "Be brief."}
        """);
    List<Entry> entries = readAll(file, null);
    assertEquals(3, entries.size());
    assertEquals(new Record(1, Conversation.of("Add the numbers.\n\n2 and 3", "5")), entries.get(0));
    assertEquals(new Record(2, Conversation.of("Say hi.", "Hi!")), entries.get(1));
    assertEquals(new Conversation(List.of(new Turn(Role.SYSTEM, "Be brief."),
        new Turn(Role.USER, "Say hi."), new Turn(Role.ASSISTANT, "Hi!"))),
        ((Record) entries.get(2)).conversation());
  }

  @Test
  void shareGptKeepsEveryTurnAndMapsRoles() throws IOException {
    Path file = write("s.jsonl", """
        {"system": "You help.", "conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello"}, {"from": "user", "value": "2+2?"}, {"from": "ChatGPT", "value": "4"}]}
        {"conversations": [{"from": "system", "value": "S"}, {"from": "human", "value": "Q"}, {"from": "assistant", "value": "A"}]}
        """);
    List<Entry> entries = readAll(file, DatasetFormat.SHAREGPT);
    Conversation first = ((Record) entries.get(0)).conversation();
    assertEquals(List.of(Role.SYSTEM, Role.USER, Role.ASSISTANT, Role.USER, Role.ASSISTANT),
        first.turns().stream().map(Turn::role).toList());
    assertEquals("4", first.lastResponse());
    assertEquals(List.of(new Turn(Role.SYSTEM, "S"), new Turn(Role.USER, "Q"),
        new Turn(Role.ASSISTANT, "A")), ((Record) entries.get(1)).conversation().turns());
  }

  @Test
  void promptResponseReads() throws IOException {
    Path file = write("p.jsonl", "{\"prompt\": \"P\", \"response\": \"R\", \"id\": 7}\n");
    try (DatasetReader reader = DatasetReader.open(file, null)) {
      assertEquals(new Record(1, Conversation.of("P", "R")), reader.next());
      assertEquals(DatasetFormat.PROMPT_RESPONSE, reader.format());
    }
  }

  @Test
  void formatNamesParse() {
    assertNull(DatasetFormat.parse("auto"));
    assertEquals(DatasetFormat.PROMPT_RESPONSE, DatasetFormat.parse("prompt-response"));
    assertEquals(DatasetFormat.SHAREGPT, DatasetFormat.parse("ShareGPT"));
    assertThrows(UserError.class, () -> DatasetFormat.parse("csv"));
  }

  // ---- file layouts ----------------------------------------------------------------------------

  @Test
  void bomCrlfAndBlankLinesAreFine() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    bytes.write(("{\"prompt\": \"é\", \"response\": \"ü\"}\r\n\r\n   \r\n"
        + "{\"prompt\": \"b\", \"response\": \"c\"}\r\n").getBytes(StandardCharsets.UTF_8));
    Path file = write("bom.jsonl", bytes.toByteArray());
    List<Entry> entries = readAll(file, null);
    assertEquals(List.of(new Record(1, Conversation.of("é", "ü")), new Record(4, Conversation.of("b", "c"))),
        entries);
  }

  @Test
  void prettyPrintedArrayGivesStartLinesAndFaultsWhereRecordsStart() throws IOException {
    Path file = write("arr.json", """
        [
          {
            "instruction": "One",
            "output": "1"
          },
          {
            "instruction": "Two",
            "output": 2
          },
          {"instruction": "Three", "output": "3, with a ] and } inside"}
        ]
        """);
    List<Entry> entries = readAll(file, null);
    assertEquals(3, entries.size());
    assertEquals(new Record(2, Conversation.of("One", "1")), entries.get(0));
    assertEquals(file + ":6: field 'output' must be a string, found a number", entries.get(1).toString());
    assertEquals(new Record(10, Conversation.of("Three", "3, with a ] and } inside")), entries.get(2));
  }

  @Test
  void arrayWithBomAndCrlf() throws IOException {
    byte[] body = "[\r\n{\"prompt\": \"a\", \"response\": \"b\"},\r\n\r\n{\"prompt\": \"c\", \"response\": \"d\"}\r\n]\r\n"
        .getBytes(StandardCharsets.UTF_8);
    byte[] bytes = new byte[body.length + 3];
    bytes[0] = (byte) 0xEF;
    bytes[1] = (byte) 0xBB;
    bytes[2] = (byte) 0xBF;
    System.arraycopy(body, 0, bytes, 3, body.length);
    List<Entry> entries = readAll(write("arr.json", bytes), null);
    assertEquals(List.of(new Record(2, Conversation.of("a", "b")), new Record(4, Conversation.of("c", "d"))),
        entries);
  }

  // ---- faults ----------------------------------------------------------------------------------

  @Test
  void malformedJsonLineIsAFaultAndReadingGoesOn() throws IOException {
    Path file = write("m.jsonl", """
        {"instruction": "a", "output": "b"}
        {"instruction": "a", "output": "b"
        {"instruction": "c", "output": "d"}
        """);
    List<Entry> entries = readAll(file, null);
    assertEquals(3, entries.size());
    assertTrue(entries.get(1).toString().startsWith(file + ":2: malformed JSON: "), entries.get(1)::toString);
    assertInstanceOf(Record.class, entries.get(2));
  }

  @Test
  void missingAndMistypedFields() throws IOException {
    String ok = "{\"instruction\": \"a\", \"output\": \"b\"}\n";
    assertEquals(dir.resolve("f1.jsonl") + ":2: missing field 'output'",
        onlyFault("f1.jsonl", ok + "{\"instruction\": \"a\"}\n"));
    assertEquals(dir.resolve("f2.jsonl") + ":2: field 'output' must be a string, found a number",
        onlyFault("f2.jsonl", ok + "{\"instruction\": \"a\", \"output\": 5}\n"));
    assertEquals(dir.resolve("f3.jsonl") + ":2: field 'input' must be a string, found an array",
        onlyFault("f3.jsonl", ok + "{\"instruction\": \"a\", \"input\": [], \"output\": \"b\"}\n"));
    assertEquals(dir.resolve("f4.jsonl") + ":3: missing field 'conversations[1].value'",
        onlyFault("f4.jsonl", "{\"conversations\": [{\"from\": \"human\", \"value\": \"q\"}, {\"from\": \"gpt\", \"value\": \"a\"}]}\n\n"
            + "{\"conversations\": [{\"from\": \"human\", \"value\": \"q\"}, {\"from\": \"gpt\"}]}\n"));
  }

  @Test
  void emptyOutputIsAFaultButEmptyInputIsFine() throws IOException {
    assertEquals(dir.resolve("e.jsonl") + ":2: empty 'output'", onlyFault("e.jsonl",
        "{\"instruction\": \"a\", \"input\": \"\", \"output\": \"b\"}\n{\"instruction\": \"a\", \"output\": \"  \"}\n"));
    assertEquals(dir.resolve("e2.jsonl") + ":1: empty 'response'",
        onlyFault("e2.jsonl", "{\"prompt\": \"a\", \"response\": \"\"}\n"));
  }

  @Test
  void shareGptFaults() throws IOException {
    String ok = "{\"conversations\": [{\"from\": \"human\", \"value\": \"q\"}, {\"from\": \"gpt\", \"value\": \"a\"}]}\n";
    assertEquals(dir.resolve("c1.jsonl") + ":2: empty conversation: 'conversations' has no turns",
        onlyFault("c1.jsonl", ok + "{\"conversations\": []}\n"));
    assertTrue(onlyFault("c2.jsonl", ok + "{\"conversations\": [{\"from\": \"robot\", \"value\": \"q\"}]}\n")
        .startsWith(dir.resolve("c2.jsonl") + ":2: unknown role 'robot' in conversations[0]; use one of human,"));
    assertEquals(dir.resolve("c3.jsonl") + ":2: conversation has no assistant turn after a user turn",
        onlyFault("c3.jsonl", ok + "{\"conversations\": [{\"from\": \"human\", \"value\": \"q\"}]}\n"));
    assertEquals(dir.resolve("c4.jsonl") + ":2: conversation has no assistant turn after a user turn",
        onlyFault("c4.jsonl", ok
            + "{\"conversations\": [{\"from\": \"gpt\", \"value\": \"a\"}, {\"from\": \"human\", \"value\": \"q\"}]}\n"));
    assertEquals(dir.resolve("c5.jsonl") + ":2: field 'conversations' must be an array, found a string",
        onlyFault("c5.jsonl", ok + "{\"conversations\": \"hi\"}\n"));
  }

  @Test
  void invalidUtf8IsAFaultOnItsLine() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write("{\"prompt\": \"a\", \"response\": \"b\"}\n".getBytes(StandardCharsets.UTF_8));
    bytes.write("{\"prompt\": \"a".getBytes(StandardCharsets.UTF_8));
    bytes.write(new byte[] {(byte) 0xC3, (byte) 0x28}); // a lead byte without its continuation
    bytes.write("\", \"response\": \"b\"}\n{\"prompt\": \"c\", \"response\": \"d\"}\n"
        .getBytes(StandardCharsets.UTF_8));
    Path file = write("bad.jsonl", bytes.toByteArray());
    List<Entry> entries = readAll(file, null);
    assertEquals(3, entries.size());
    assertEquals(file + ":2: bytes that are not valid UTF-8 at byte 14 of the line; save the file as UTF-8",
        entries.get(1).toString());
    assertEquals(new Record(3, Conversation.of("c", "d")), entries.get(2));
  }

  @Test
  void invalidUtf8InsidePrettyArray() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write("[\n  {\"prompt\": \"a\", \"response\": \"b\"},\n  {\"prompt\":\n    \"x".getBytes(StandardCharsets.UTF_8));
    bytes.write(0xFF);
    bytes.write("\", \"response\": \"b\"},\n  {\"prompt\": \"c\", \"response\": \"d\"}\n]\n".getBytes(StandardCharsets.UTF_8));
    Path file = write("bad.json", bytes.toByteArray());
    List<Entry> entries = readAll(file, null);
    assertEquals(3, entries.size(), entries::toString);
    assertTrue(entries.get(1).toString().startsWith(file + ":4: bytes that are not valid UTF-8"));
    assertEquals(new Record(5, Conversation.of("c", "d")), entries.get(2));
  }

  @Test
  void anEmptyFileIsRefusedWhateverOnErrorSaysAndWithoutSuggestingIt() throws IOException {
    Path empty = write("nothing.jsonl", "");
    for (OnError onError : OnError.values()) {
      UserError e = assertThrows(UserError.class, () -> DatasetReader.load(empty, null, onError, 20));
      assertTrue(e.getMessage().startsWith(empty + ":1: empty file, no records; point the dataset"), e.getMessage());
      assertTrue(!e.getMessage().contains("on-error"), e.getMessage());
    }
  }

  @Test
  void emptyFiles() throws IOException {
    Path empty = write("empty.jsonl", "");
    assertEquals(List.of(empty + ":1: empty file, no records"), faults(empty));
    Path blank = write("blank.jsonl", "\uFEFF\n  \r\n\n");
    assertEquals(List.of(blank + ":1: empty file, no records"), faults(blank));
    Path emptyArray = write("empty.json", "\n[\n]\n");
    assertEquals(List.of(emptyArray + ":3: empty array, no records"), faults(emptyArray));
  }

  @Test
  void topLevelValuesThatAreNotObjects() throws IOException {
    String ok = "{\"prompt\": \"a\", \"response\": \"b\"}";
    assertEquals(dir.resolve("n.jsonl") + ":2: the record is a number, not a JSON object",
        onlyFault("n.jsonl", ok + "\n42\n"));
    assertEquals(dir.resolve("s.jsonl") + ":1: the record is a string, not a JSON object",
        onlyFault("s.jsonl", "\"hello\"\n" + ok + "\n"));
    assertEquals(dir.resolve("a.json") + ":3: the record is an array, not a JSON object",
        onlyFault("a.json", "[\n" + ok + ",\n[1, 2],\n" + ok + "\n]"));
  }

  @Test
  void recordInAnotherFormatThanDetected() throws IOException {
    assertEquals(dir.resolve("mix.jsonl")
            + ":2: the record is in prompt-response format but the file is alpaca (detected from line 1)",
        onlyFault("mix.jsonl", "{\"instruction\": \"a\", \"output\": \"b\"}\n{\"prompt\": \"a\", \"response\": \"b\"}\n"));
    Path file = write("given.jsonl", "{\"prompt\": \"a\", \"response\": \"b\"}\n");
    List<Entry> entries = readAll(file, DatasetFormat.SHAREGPT);
    assertEquals(List.of(file + ":1: the record is in prompt-response format but the file is sharegpt"),
        entries.stream().map(Object::toString).toList());
  }

  @Test
  void unknownFormatAndBrokenArrays() throws IOException {
    assertEquals(dir.resolve("open.json") + ":2: malformed JSON: the array is not closed with ']'",
        onlyFault("open.json", "[\n{\"prompt\": \"a\", \"response\": \"b\"}\n"));
    assertEquals(dir.resolve("rec.json") + ":2: malformed JSON: the record is not closed (a '}' or ']' is missing)",
        onlyFault("rec.json", "[\n{\"prompt\": \"a\", \"response\": \"b\"\n"));
    assertEquals(dir.resolve("after.json") + ":3: unexpected content after the closing ']' of the JSON array",
        onlyFault("after.json", "[{\"prompt\": \"a\", \"response\": \"b\"}\n]\nmore\n"));
    Path comma = write("comma.json", "[\n{\"prompt\": \"a\", \"response\": \"b\"}\n{\"prompt\": \"c\", \"response\": \"d\"}]");
    List<Entry> entries = readAll(comma, null);
    assertEquals(comma + ":3: malformed JSON: expected ',' or ']' between array elements", entries.get(1).toString());
    assertEquals(new Record(3, Conversation.of("c", "d")), entries.get(2));
  }

  @Test
  void malformedRecordInsideAnArrayIsLocatedInTheFile() throws IOException {
    Path file = write("loc.json", "[\n  {\"prompt\": \"a\", \"response\": \"b\"},\n  {\"prompt\": \"a\"\n   \"response\": \"b\"},\n"
        + "  {\"prompt\": \"a\", \"response\": \"b\",},\n  {\"prompt\": \"c\", \"response\": \"d\"},\n]\n");
    List<String> all = readAll(file, null).stream().map(Object::toString).toList();
    assertEquals(5, all.size(), all::toString);
    assertEquals(file + ":3: malformed JSON: Unterminated object at line 4 column 5", all.get(1));
    assertEquals(file + ":5: malformed JSON: Expected name at column 36", all.get(2));
    assertEquals(file + ":7: malformed JSON: a ',' before the closing ']'", all.get(4));
  }

  @Test
  void gsonLocationsBecomeFileLines() {
    assertEquals("Unterminated object at column 20",
        DatasetReader.gsonReason(7, 0, "Unterminated object at line 1 column 20 path $.output\nSee the troubleshooting guide"));
    // A record that starts at column 40 of its line: Gson's first-line columns are shifted by it.
    assertEquals("Unterminated object at column 60",
        DatasetReader.gsonReason(7, 40, "Unterminated object at line 1 column 20 path $.output"));
    assertEquals("Expected name at line 9 column 3",
        DatasetReader.gsonReason(7, 40, "Expected name at line 3 column 3 path $."));
  }

  // ---- policies --------------------------------------------------------------------------------

  @Test
  void failStopsAtTheFirstFaultAndSkipCounts() throws IOException {
    Path file = write("p.jsonl", """
        {"instruction": "a", "output": "b"}
        {"instruction": "a", "output": 1}
        {"instruction": "c", "output": "d"}
        not json
        {"instruction": "e", "output": ""}
        """);
    UserError e = assertThrows(UserError.class, () -> DatasetReader.load(file, null, OnError.FAIL, 5));
    assertTrue(e.getMessage().startsWith(file + ":2: field 'output' must be a string"), e::getMessage);
    assertTrue(e.getMessage().contains("data.on-error = skip"));
    assertTrue(e.getMessage().lines().count() == 1);

    LoadedDataset loaded = DatasetReader.load(file, null, OnError.SKIP, 2);
    assertEquals(List.of(Conversation.of("a", "b"), Conversation.of("c", "d")), loaded.conversations());
    DataReport report = loaded.report();
    assertEquals(2, report.records());
    assertEquals(3, report.faults());
    assertEquals(DatasetFormat.ALPACA, report.format());
    assertEquals(List.of(2, 4), report.firstFaults().stream().map(Fault::line).toList());
  }

  @Test
  void missingFileIsAUserError() {
    UserError e = assertThrows(UserError.class, () -> DatasetReader.open(dir.resolve("nope.jsonl"), null));
    assertTrue(e.getMessage().contains("nope.jsonl: dataset file not found"));
  }

  @Test
  void writerOutputReadsBackIdentically() throws IOException {
    List<Conversation> conversations = List.of(
        Conversation.of("Line one\nline \"two\"\u2028", "Ünïcödé answer"),
        new Conversation(List.of(new Turn(Role.SYSTEM, "sys"), new Turn(Role.USER, "q"), new Turn(Role.ASSISTANT, "a"))));
    Path file = dir.resolve("out/w.jsonl");
    DatasetWriter.writeAlpacaJsonl(file, conversations);
    assertEquals(conversations, DatasetReader.load(file, DatasetFormat.ALPACA, OnError.FAIL, 0).conversations());
    assertEquals(List.of("w.jsonl"), Files.list(file.getParent()).map(p -> p.getFileName().toString()).toList());
    assertThrows(IllegalArgumentException.class, () -> DatasetWriter.writeAlpacaJsonl(dir.resolve("x.jsonl"),
        List.of(new Conversation(List.of(new Turn(Role.USER, "a"), new Turn(Role.ASSISTANT, "b"),
            new Turn(Role.USER, "c"), new Turn(Role.ASSISTANT, "d"))))));
    assertTrue(Files.notExists(dir.resolve("x.jsonl")));
  }
}
