package io.skillmix.data.format;

import static io.skillmix.data.format.DatasetFormatsTest.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.UserError;
import io.skillmix.data.Conversation;
import io.skillmix.data.Role;
import io.skillmix.data.Turn;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code columns} and {@code tags} (issue 28 #3) with LLaMA-Factory's meanings, on the layouts the
 * Hub publishes: GSM8K, MetaMathQA, Alpaca with history, dialogues with other role names, lists of
 * strings; the same mapping on JSON Lines, a JSON array, gzip and Parquet.
 */
class ColumnMappingTest {

  @TempDir Path dir;

  /** Two lines of GSM8K's train.jsonl as OpenAI publishes it. */
  static final String GSM8K = """
      {"question": "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether in April and May?", "answer": "Natalia sold 48/2 = <<48/2=24>>24 clips in May.\\nNatalia sold 48+24 = <<48+24=72>>72 clips altogether in April and May.\\n#### 72"}
      {"question": "Weng earns $12 an hour for babysitting. Yesterday, she just did 50 minutes of babysitting. How much did she earn?", "answer": "Weng earns 12/60 = $<<12/60=0.2>>0.2 per minute.\\nWorking 50 minutes, she earned 0.2 x 50 = $<<0.2*50=10>>10.\\n#### 10"}
      """;

  static ColumnMapping mapping(String columns, String tags) {
    return ColumnMapping.of(ColumnMapping.pairs(columns, "--columns"), ColumnMapping.pairs(tags, "--tags"), "test");
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
  }

  private static List<String> entries(Path file, ColumnMapping m) {
    List<String> out = new ArrayList<>();
    try (DatasetReader reader = DatasetReader.open(file, null, m)) {
      reader.forEachRemaining(e -> out.add(e instanceof Record r ? r.conversation().toString() : e.toString()));
    }
    return out;
  }

  private static List<Conversation> read(Path file, ColumnMapping m) {
    return DatasetReader.load(file, null, m, OnError.FAIL, 5).conversations();
  }

  private static Conversation chat(Object... roleText) {
    List<Turn> turns = new ArrayList<>();
    for (int i = 0; i < roleText.length; i += 2) {
      turns.add(new Turn((Role) roleText[i], (String) roleText[i + 1]));
    }
    return new Conversation(turns);
  }

  @Test
  void gsm8kAsPublishedReadsWithOneMapping() throws IOException {
    Path file = write("train.jsonl", GSM8K);
    UserError unmapped = assertThrows(UserError.class, () -> read(file, null));
    assertTrue(unmapped.getMessage().contains("cannot tell the dataset format"), unmapped.getMessage());
    List<Conversation> got = read(file, mapping("prompt=question,response=answer", null));
    assertEquals(2, got.size());
    assertTrue(got.get(0).firstPrompt().startsWith("Natalia sold clips"));
    assertTrue(got.get(0).lastResponse().endsWith("altogether in April and May.\n#### 72"), got.get(0).lastResponse());
    assertEquals("columns {prompt = question, response = answer}",
        mapping("prompt=question,response=answer", null).describe());
  }

  @Test
  void metaMathQaAndAlpacaWithQueryHistoryAndSystem() throws IOException {
    Path meta = write("metamath.json", """
        [{"query": "What is 2+3?", "response": "2+3=5. The answer is: 5", "type": "GSM_Rephrased", "original_question": "x"}]
        """);
    assertEquals(List.of(Conversation.of("What is 2+3?", "2+3=5. The answer is: 5")),
        read(meta, mapping("prompt=query,response=response", null)));

    Path alpaca = write("alpaca.jsonl", """
        {"ins": "Add.", "inp": "2 and 3", "out": "5", "sys": "Be exact.", "hist": [["hi", "hello"], ["sum?", "sure"]]}
        {"ins": "Say hi.", "inp": "", "out": "hi", "sys": null, "hist": null}
        {"ins": "", "inp": "only the query", "out": "ok", "sys": "", "hist": []}
        """);
    ColumnMapping m = mapping("prompt=ins,query=inp,response=out,system=sys,history=hist", null);
    assertEquals(List.of(
        chat(Role.SYSTEM, "Be exact.", Role.USER, "hi", Role.ASSISTANT, "hello", Role.USER, "sum?", Role.ASSISTANT, "sure",
            Role.USER, "Add.\n2 and 3", Role.ASSISTANT, "5"),
        Conversation.of("Say hi.", "hi"),
        Conversation.of("only the query", "ok")), read(alpaca, m));
  }

  @Test
  void dialoguesWithOtherFieldAndRoleNamesAndListsOfStrings() throws IOException {
    Path support = write("support.jsonl", """
        {"dialog": [{"speaker": "sys", "text": "Be kind."}, {"speaker": "customer", "text": "My order?"}, {"speaker": "agent", "text": "On its way."}]}
        {"dialog": [{"speaker": "customer", "text": "Hi"}, {"speaker": "robot", "text": "?"}]}
        """);
    ColumnMapping m = mapping("messages=dialog", "role=speaker,content=text,user=customer,assistant=agent,system=sys");
    assertEquals(List.of(
        chat(Role.SYSTEM, "Be kind.", Role.USER, "My order?", Role.ASSISTANT, "On its way.").toString(),
        support + ":2: unknown role 'robot' in dialog[1]; map it with tags { user = ..., assistant = ..., system = ... }"),
        entries(support, m));

    // UltraChat's data and MT-bench-style turns: strings alternate user and assistant; a system column joins.
    Path turns = write("turns.jsonl", """
        {"turns": ["Write a haiku.", "Leaves fall...", "Another?", "Snow melts..."], "system": "Poet."}
        {"turns": ["Only a question, as MT-bench's question file has."], "system": null}
        """);
    assertEquals(List.of(
        chat(Role.SYSTEM, "Poet.", Role.USER, "Write a haiku.", Role.ASSISTANT, "Leaves fall...", Role.USER, "Another?",
            Role.ASSISTANT, "Snow melts...").toString(),
        turns + ":2: conversation has no assistant turn after a user turn"),
        entries(turns, mapping("messages=turns,system=system", null)));

    // No tags: role/content and from/value turns both read, with their usual role names.
    Path both = write("both.jsonl", """
        {"c": [{"from": "human", "value": "a"}, {"from": "gpt", "value": "b"}]}
        {"c": [{"role": "user", "content": "c"}, {"role": "assistant", "content": "d"}]}
        """);
    assertEquals(List.of(Conversation.of("a", "b"), Conversation.of("c", "d")), read(both, mapping("messages=c", null)));
  }

  @Test
  void aMissingOrMistypedMappedFieldIsAFaultNamingTheLineAndTheField() throws IOException {
    Path file = write("bad.jsonl", """
        {"question": "ok?", "answer": "yes"}
        {"question": "where is the answer?"}
        {"question": 7, "answer": "seven"}
        {"question": "q", "answer": ["a"]}
        {"question": "q", "answer": "   "}
        {"question": "q", "answer": null}
        """);
    assertEquals(List.of(Conversation.of("ok?", "yes").toString(),
        file + ":2: missing field 'answer' (columns.response)",
        file + ":3: field 'question' (columns.prompt) must be a string, found a number",
        file + ":4: field 'answer' (columns.response) must be a string, found an array",
        file + ":5: empty response: field 'answer' (columns.response) holds no text",
        file + ":6: field 'answer' (columns.response) must be a string, found null"),
        entries(file, mapping("prompt=question,response=answer", null)));

    Path history = write("history.jsonl", """
        {"q": "x", "a": "y", "h": [["only one"]]}
        {"q": "x", "a": "y", "h": "not a list"}
        {"q": "x", "a": "y"}
        """);
    assertEquals(List.of(
        history + ":1: field 'h'[0] (columns.history) must be a [user, assistant] pair of strings, found a list of 1",
        history + ":2: field 'h' (columns.history) must be a list of [user, assistant] pairs, found a string",
        history + ":3: missing field 'h' (columns.history)"),
        entries(history, mapping("prompt=q,response=a,history=h", null)));

    UserError failed = assertThrows(UserError.class,
        () -> DatasetReader.load(file, null, mapping("prompt=question,response=answer", null), OnError.FAIL, 5));
    assertEquals(file + ":2: missing field 'answer' (columns.response) (fix the record, or set data.on-error = skip"
        + " to leave bad records out)", failed.getMessage());
  }

  @Test
  void theSameMappingReadsJsonArraysGzipAndParquet() throws IOException {
    ColumnMapping m = mapping("prompt=question,response=answer", null);
    List<Conversation> lines = read(write("train.jsonl", GSM8K), m);
    Path array = write("train.json", "[" + String.join(",", GSM8K.strip().split("\n")) + "]");
    assertEquals(lines, read(array, m));
    Path gz = dir.resolve("train.jsonl.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(GSM8K.getBytes(StandardCharsets.UTF_8));
    }
    assertEquals(lines, read(gz, m));
    // DuckDB's question/answer Parquet fixture: refused without a mapping (ParquetReaderTest), read with one.
    List<Conversation> parquet = read(resource("question-answer.parquet"), m);
    assertTrue(!parquet.isEmpty());
    parquet.forEach(c -> assertEquals(List.of(Role.USER, Role.ASSISTANT), c.turns().stream().map(Turn::role).toList()));
  }

  @Test
  void aMappingThatIsNeitherAnExchangeNorADialogueIsRefusedByKey() {
    assertNull(mapping(null, null));
    assertEquals("test: columns has an unknown key 'answer'; it takes prompt, query, response, system, history, messages",
        assertThrows(UserError.class, () -> mapping("prompt=q,answer=a", null)).getMessage());
    assertTrue(assertThrows(UserError.class, () -> mapping("prompt=q", null)).getMessage()
        .startsWith("test: columns has no response;"));
    assertTrue(assertThrows(UserError.class, () -> mapping("messages=m,prompt=q", null)).getMessage()
        .contains("maps both messages (a dialogue) and prompt"));
    assertTrue(assertThrows(UserError.class, () -> mapping("prompt=q,response=a", "role=r")).getMessage()
        .contains("columns has no messages"));
    assertTrue(assertThrows(UserError.class, () -> mapping("messages=m", "speaker=s")).getMessage()
        .contains("tags has an unknown key 'speaker'"));
    assertTrue(assertThrows(UserError.class, () -> mapping("prompt=q,response=", null)).getMessage()
        .contains("columns.response is empty"));
    assertTrue(assertThrows(UserError.class, () -> ColumnMapping.pairs("prompt", "--columns")).getMessage()
        .contains("'prompt' is not KEY=FIELD"));
    Map<String, String> order = new LinkedHashMap<>();
    order.put("response", "a");
    order.put("prompt", "q");
    assertEquals("columns {prompt = q, response = a}", ColumnMapping.of(order, Map.of(), "x").describe());
  }
}
