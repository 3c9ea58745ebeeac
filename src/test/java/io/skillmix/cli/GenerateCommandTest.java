package io.skillmix.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.skillmix.data.Conversation;
import io.skillmix.data.Role;
import io.skillmix.data.Turn;
import io.skillmix.data.tokenizer.ByteTokenizer;
import io.skillmix.data.tokenizer.ChatTemplate;
import io.skillmix.data.tokenizer.Tokenizer;
import io.skillmix.model.Generator;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelConfig;
import io.skillmix.model.ModelFolder;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code skillmix generate} as a user runs it: the issue's stories260K command, batches, errors. */
class GenerateCommandTest {

  private static final Path STORIES = io.skillmix.testkit.TestModels.STORIES_260K;

  @TempDir static Path dir;
  private static Path tiny;

  @BeforeAll
  static void tinyModel() {
    tiny = dir.resolve("tiny");
    try (LanguageModel model = LanguageModel.random(ModelConfig.preset("tiny"), Device.cpu(), 3)) {
      ModelFolder.save(model, null, tiny);
    }
  }

  @Test
  void theIssuesStoriesCommandMatchesTheIndependentReference() throws Exception {
    CliRun.Result r = CliRun.run("generate", "--model", STORIES.toString(), "--raw",
        "--prompt", "t1 t403 t407 t261 t378", "--max-new-tokens", "40", "--ignore-eos",
        "--logprobs", "5", "--json");
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(1, lines.size(), r.out());
    JsonObject got = JsonParser.parseString(lines.get(0)).getAsJsonObject();
    JsonObject expected = reference().get(0).getAsJsonObject();
    assertEquals(expected.get("prompt_ids"), got.get("prompt_ids"));
    assertEquals(expected.get("ids"), got.get("ids"));
    assertEquals("length", got.get("finish_reason").getAsString());
    String text = ints(got.getAsJsonArray("ids")).stream().map(id -> "t" + id)
        .collect(Collectors.joining(" "));
    assertEquals(text, got.get("text").getAsString());
    assertLogprobsClose(expected.getAsJsonArray("logprobs"), got.getAsJsonArray("logprobs"));
  }

  @Test
  void aPromptFileGoesAsOneBatchAndEachPromptGetsWhatItGetsAlone() throws Exception {
    JsonArray reference = reference();
    StringBuilder file = new StringBuilder();
    for (JsonElement p : reference) {
      file.append(ints(p.getAsJsonObject().getAsJsonArray("prompt_ids")).stream()
          .map(id -> "t" + id).collect(Collectors.joining(" "))).append('\n');
    }
    Path prompts = Files.writeString(dir.resolve("prompts.txt"), file);
    String[] args = {"generate", "--model", STORIES.toString(), "--raw", "--prompt-file",
        prompts.toString(), "--max-new-tokens", "40", "--ignore-eos"};
    CliRun.Result json = CliRun.run(concat(args, "--json", "--logprobs", "3"));
    assertEquals(0, json.code(), json.err());
    List<String> lines = json.out().lines().toList();
    assertEquals(reference.size(), lines.size());
    StringBuilder texts = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      JsonObject got = JsonParser.parseString(lines.get(i)).getAsJsonObject();
      JsonObject expected = reference.get(i).getAsJsonObject();
      assertEquals(expected.get("ids"), got.get("ids"), "prompt " + (i + 1));
      assertLogprobsClose(expected.getAsJsonArray("logprobs"), got.getAsJsonArray("logprobs"));
      texts.append(i > 0 ? "\n" : "").append(got.get("text").getAsString()).append('\n');
    }
    CliRun.Result streamed = CliRun.run(args);
    assertEquals(0, streamed.code(), streamed.err());
    assertEquals(texts.toString(), streamed.out(), "streamed text, a blank line between replies");
  }

  @Test
  void messagesGoThroughTheChatTemplateAndStopAtEos() throws Exception {
    Path file = Files.writeString(dir.resolve("m.jsonl"), String.join("\n",
        "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi there\"}]}",
        "",
        "{\"messages\": [{\"role\": \"system\", \"content\": \"Be terse.\"}, {\"role\": \"user\","
            + " \"content\": \"2+2?\"}, {\"role\": \"assistant\", \"content\": \"4\"},"
            + " {\"role\": \"user\", \"content\": \"and ü?\"}]}"));
    CliRun.Result r = CliRun.run("generate", "--model", tiny.toString(), "--messages", file.toString(),
        "--max-new-tokens", "12", "--json");
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(2, lines.size(), r.out());
    List<Conversation> conversations = List.of(
        new Conversation(List.of(new Turn(Role.USER, "Hi there"))),
        new Conversation(List.of(new Turn(Role.SYSTEM, "Be terse."), new Turn(Role.USER, "2+2?"),
            new Turn(Role.ASSISTANT, "4"), new Turn(Role.USER, "and ü?"))));
    ChatTemplate template = ChatTemplate.resolve("auto", tiny);
    try (LanguageModel model = LanguageModel.load(tiny, Device.cpu()); Tokenizer bytes = new ByteTokenizer()) {
      int[][] prompts = conversations.stream()
          .map(c -> template.encodePrompt(c, bytes).ids()).toArray(int[][]::new);
      int[][] expected = Generator.generate(model, prompts, Generator.Settings.greedy(12, ByteTokenizer.EOS_ID));
      for (int i = 0; i < 2; i++) {
        JsonObject got = JsonParser.parseString(lines.get(i)).getAsJsonObject();
        assertArrayEquals(prompts[i], ints(got.getAsJsonArray("prompt_ids")).stream()
            .mapToInt(Integer::intValue).toArray());
        assertArrayEquals(expected[i], ints(got.getAsJsonArray("ids")).stream()
            .mapToInt(Integer::intValue).toArray());
        assertTrue(got.get("logprobs").isJsonNull(), "no logprobs unless asked");
      }
    }
  }

  @Test
  void badInputsEndInOneLineAndExitCode2() throws Exception {
    Path blank = Files.writeString(dir.resolve("blank.txt"), "hello\n\nworld\n");
    Path badRole = Files.writeString(dir.resolve("role.jsonl"),
        "{\"messages\": [{\"role\": \"robot\", \"content\": \"x\"}]}\n");
    Path noMessages = Files.writeString(dir.resolve("none.jsonl"), "{\"conversation\": []}\n");
    Path tool = Files.writeString(dir.resolve("tool.jsonl"),
        "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}, {\"role\": \"tool\", \"content\": \"42\"},"
            + " {\"role\": \"user\", \"content\": \"y\"}]}\n");
    String m = tiny.toString();
    assertOneLine(CliRun.run("generate", "--model", m, "--chat-template", "vicuna", "--messages",
        tool.toString()), "tool.jsonl:1", "tool");
    assertOneLine(CliRun.run("generate", "--model", m, "--prompt-file", blank.toString()),
        "blank.txt:2", "empty line");
    assertOneLine(CliRun.run("generate", "--model", m, "--messages", badRole.toString()),
        "role.jsonl:1", "messages[0]", "robot");
    assertOneLine(CliRun.run("generate", "--model", m, "--messages", noMessages.toString()),
        "none.jsonl:1", "messages");
    assertOneLine(CliRun.run("generate", "--model", m, "--raw", "--messages", badRole.toString()),
        "--raw");
    assertOneLine(CliRun.run("generate", "--model", m, "--prompt", "x", "--logprobs", "-1"), "--logprobs");
    assertOneLine(CliRun.run("generate", "--model", m, "--prompt", "x", "--temperature", "-1"),
        "--temperature");
    assertOneLine(CliRun.run("generate", "--model", m, "--prompt", "x", "--top-p", "0"), "--top-p");
    assertOneLine(CliRun.run("generate", "--model", m, "--prompt-file", dir.resolve("nope").toString()),
        "nope", "not found");
    assertOneLine(CliRun.run("generate", "--model", dir.resolve("missing").toString(), "--prompt", "x"),
        "missing", "model folder not found");
    assertOneLine(CliRun.run("generate", "--model", m, "--raw", "--prompt", "x".repeat(600)),
        "600 tokens", "context");
    // Usage mistakes are picocli's: the problem on the first line, then where help is.
    CliRun.Result none = CliRun.run("generate", "--model", m);
    assertEquals(2, none.code());
    assertTrue(none.err().lines().findFirst().orElse("").contains("--prompt"), none.err());
  }

  private static void assertOneLine(CliRun.Result r, String... mentions) {
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    for (String mention : mentions) {
      assertTrue(r.err().contains(mention), "expected '" + mention + "' in: " + r.err());
    }
  }

  private static void assertLogprobsClose(JsonArray expected, JsonArray got) {
    assertEquals(expected.size(), got.size());
    for (int n = 0; n < expected.size(); n++) {
      JsonObject e = expected.get(n).getAsJsonObject();
      JsonObject g = got.get(n).getAsJsonObject();
      assertEquals(e.get("id"), g.get("id"));
      assertEquals(e.get("logprob").getAsDouble(), g.get("logprob").getAsDouble(), 1e-4, "step " + n);
      JsonArray top = g.getAsJsonArray("top");
      for (int k = 0; k < top.size(); k++) {
        JsonObject ek = e.getAsJsonArray("top").get(k).getAsJsonObject();
        assertEquals(ek.get("id"), top.get(k).getAsJsonObject().get("id"), "step " + n + " top " + k);
        assertEquals(ek.get("logprob").getAsDouble(),
            top.get(k).getAsJsonObject().get("logprob").getAsDouble(), 1e-4);
      }
    }
  }

  private static JsonArray reference() throws Exception {
    try (var in = GenerateCommandTest.class.getResourceAsStream("/reference/stories260K-greedy.json")) {
      return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8))
          .getAsJsonObject().getAsJsonArray("prompts");
    }
  }

  private static List<Integer> ints(JsonArray a) {
    return a.asList().stream().map(JsonElement::getAsInt).toList();
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
