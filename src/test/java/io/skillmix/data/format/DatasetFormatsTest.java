package io.skillmix.data.format;

import static io.skillmix.data.format.DatasetReaderTest.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The messages, conversations (role/content) and text layouts, and gzip-compressed files. */
class DatasetFormatsTest {

  @TempDir
  Path dir;

  static Path resource(String name) {
    return Path.of("src/test/resources/datasets", name);
  }

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  private Path gzip(String name, String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    Path file = dir.resolve(name);
    Files.write(file, bytes.toByteArray());
    return file;
  }

  private static Conversation chat(Object... roleText) {
    List<Turn> turns = new ArrayList<>();
    for (int i = 0; i < roleText.length; i += 2) {
      turns.add(new Turn((Role) roleText[i], (String) roleText[i + 1]));
    }
    return new Conversation(turns);
  }

  @Test
  void theMixtureOfSkillsFilesReadAsMessages() {
    Path file = resource("mos-conversations.jsonl");
    LoadedDataset loaded = DatasetReader.load(file, null, OnError.FAIL, 5);
    assertEquals(DatasetFormat.MESSAGES, loaded.report().format());
    assertEquals(List.of(
        Conversation.of("What is 17 + 25?", "17 + 25 = 42."),
        chat(Role.USER, "Translate to French: good morning", Role.ASSISTANT, "Bonjour.",
            Role.USER, "And good night?", Role.ASSISTANT, "Bonne nuit."),
        Conversation.of("Écris « merci » en japonais.", "ありがとう (arigatō).")),
        loaded.conversations());
  }

  @Test
  void messagesKeepEveryRoleIncludingToolAndIgnoreExtraFields() throws IOException {
    Path file = write("m.jsonl", """
        {"id": 7, "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Weather?"}, {"role": "assistant", "content": "Calling the tool."}, {"role": "tool", "content": "sunny", "name": "weather"}, {"role": "assistant", "content": "Sunny."}]}
        {"messages": [{"role": "User", "content": [{"type": "text", "text": "Hi "}, {"type": "text", "text": "there"}]}, {"role": "assistant", "content": "Hello"}]}
        """);
    List<Entry> entries = readAll(file, null);
    assertEquals(List.of(
        new Record(1, chat(Role.SYSTEM, "Be brief.", Role.USER, "Weather?", Role.ASSISTANT, "Calling the tool.",
            Role.TOOL, "sunny", Role.ASSISTANT, "Sunny.")),
        new Record(2, Conversation.of("Hi there", "Hello"))), entries);
  }

  @Test
  void messagesFaultsNameTheTurn() throws IOException {
    String ok = "{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}, {\"role\": \"assistant\", \"content\": \"a\"}]}\n";
    Path file = write("f.jsonl", ok
        + "{\"messages\": [{\"role\": \"robot\", \"content\": \"q\"}]}\n"
        + "{\"messages\": [{\"role\": \"user\"}, {\"role\": \"assistant\", \"content\": \"a\"}]}\n"
        + "{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}, {\"role\": \"system\", \"content\": \"s\"}]}\n"
        + "{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}]}\n"
        + "{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}, {\"role\": \"assistant\", \"content\": \" \"}]}\n"
        + "{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image\"}]}]}\n"
        + "{\"messages\": []}\n"
        + "{\"conversations\": [{\"from\": \"human\", \"value\": \"q\"}, {\"from\": \"gpt\", \"value\": \"a\"}]}\n");
    List<String> faults = readAll(file, null).stream().filter(e -> e instanceof Fault).map(Object::toString).toList();
    assertEquals(List.of(
        file + ":2: unknown role 'robot' in messages[0]; use system, user, assistant or tool",
        file + ":3: missing field 'messages[0].content'",
        file + ":4: a system turn in messages[1] must come first and only once",
        file + ":5: conversation has no assistant turn after a user turn",
        file + ":6: empty response in messages[1]",
        file + ":7: messages[0].content[0] is not a text part {\"type\": \"text\", \"text\": ...}; only text is trained on",
        file + ":8: empty conversation: 'messages' has no turns",
        file + ":9: the record is in sharegpt format but the file is messages (detected from line 1)"), faults);
  }

  @Test
  void conversationsAreShareGptOrMessagesByTheirTurnKeys() throws IOException {
    Path shareGpt = write("s.jsonl",
        "{\"conversations\": [{\"from\": \"human\", \"value\": \"q\"}, {\"from\": \"gpt\", \"value\": \"a\"}]}\n");
    Path roles = write("r.jsonl",
        "{\"conversations\": [{\"role\": \"user\", \"content\": \"q\"}, {\"role\": \"assistant\", \"content\": \"a\"}]}\n");
    try (DatasetReader a = DatasetReader.open(shareGpt, null); DatasetReader b = DatasetReader.open(roles, null)) {
      assertEquals(a.next(), b.next());
      assertEquals(DatasetFormat.SHAREGPT, a.format());
      assertEquals(DatasetFormat.MESSAGES, b.format());
    }
    assertEquals(List.of(new Record(1, Conversation.of("q", "a"))), readAll(roles, DatasetFormat.MESSAGES));
  }

  @Test
  void plainTextRecordsTrainOnEveryToken() throws IOException {
    Path file = write("t.json", "[{\"text\": \"Once upon a time\", \"meta\": {\"url\": \"x\"}}, {\"text\": \"\"}]");
    List<Entry> entries = readAll(file, null);
    assertEquals(new Record(1, Conversation.plain("Once upon a time")), entries.get(0));
    assertEquals(file + ":1: empty 'text'", entries.get(1).toString());
    assertEquals(DatasetFormat.TEXT, DatasetFormat.parse("text"));
    assertEquals(DatasetFormat.MESSAGES, DatasetFormat.parse("messages"));
  }

  @Test
  void aFirstRecordOfNoKnownLayoutIsRefusedNamingItsFields() throws IOException {
    Path file = write("q.jsonl", "\n{\"question\": \"q\", \"answer\": \"a\", \"id\": 3}\n");
    UserError e = assertThrows(UserError.class, () -> readAll(file, null));
    assertEquals(file + ":2: cannot tell the dataset format: the record has the fields 'question', 'answer',"
        + " 'id' but none of " + DatasetFormat.signatureKeys(), e.getMessage());
    Path nested = write("n.json", "{\"version\": 1, \"data\": [{\"instruction\": \"a\", \"output\": \"b\"}]}");
    String message = assertThrows(UserError.class, () -> readAll(nested, null)).getMessage();
    assertTrue(message.contains("'data' holds a list of objects"), message);
    assertEquals(1, message.lines().count());
  }

  @Test
  void gzipFilesAreReadWhateverTheirName() throws IOException {
    String lines = "{\"prompt\": \"a\", \"response\": \"b\"}\n{\"prompt\": \"c\", \"response\": \"d\"}\n";
    List<Conversation> expected = List.of(Conversation.of("a", "b"), Conversation.of("c", "d"));
    for (Path file : List.of(gzip("x.jsonl.gz", lines), gzip("x.json.gz", "[" + lines.replace("}\n{", "},\n{") + "]"),
        gzip("named-plainly.jsonl", lines))) {
      assertEquals(expected, DatasetReader.load(file, null, OnError.FAIL, 1).conversations(), file::toString);
    }
  }

  @Test
  void aDamagedGzipFileIsOneLine() throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      text.append("{\"prompt\": \"p").append(i).append("\", \"response\": \"r").append(i * 7919).append("\"}\n");
    }
    byte[] whole = Files.readAllBytes(gzip("whole.jsonl.gz", text.toString()));
    Path cut = dir.resolve("cut.jsonl.gz");
    Files.write(cut, Arrays.copyOf(whole, whole.length / 2));
    UserError e = assertThrows(UserError.class, () -> DatasetReader.load(cut, null, OnError.FAIL, 1));
    assertTrue(e.getMessage().startsWith(cut + ": the gzip data is cut short: the file ends inside compressed data"),
        e::getMessage);
  }

  @Test
  void theWriterRoundTripsPlainTextAndMessages() throws IOException {
    List<Conversation> plain = List.of(Conversation.plain("one\nline \"two\""), Conversation.plain("ü"));
    List<Conversation> chats = List.of(
        chat(Role.SYSTEM, "s", Role.USER, "q", Role.ASSISTANT, "call", Role.TOOL, "42", Role.ASSISTANT, "It is 42."),
        Conversation.of("q2", "a2"));
    List<Conversation> single = List.of(Conversation.of("q", "a"), chat(Role.SYSTEM, "s", Role.USER, "q", Role.ASSISTANT, "a"));
    for (var c : List.of(List.of(plain, DatasetFormat.TEXT), List.of(chats, DatasetFormat.MESSAGES),
        List.of(single, DatasetFormat.ALPACA))) {
      @SuppressWarnings("unchecked")
      List<Conversation> conversations = (List<Conversation>) c.get(0);
      Path file = dir.resolve("w-" + c.get(1) + ".jsonl");
      DatasetWriter.writeJsonl(file, conversations);
      LoadedDataset back = DatasetReader.load(file, null, OnError.FAIL, 0);
      assertEquals(conversations, back.conversations());
      assertEquals(c.get(1), back.report().format());
    }
    assertThrows(IllegalArgumentException.class, () -> DatasetWriter.writeJsonl(dir.resolve("mixed.jsonl"),
        List.of(Conversation.plain("a"), Conversation.of("q", "a"))));
  }
}
