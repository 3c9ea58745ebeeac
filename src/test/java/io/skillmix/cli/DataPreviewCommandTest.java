package io.skillmix.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.skillmix.cli.CliRun.Result;
import io.skillmix.data.Conversation;
import io.skillmix.data.tokenizer.ExampleEncoder;
import io.skillmix.data.TokenizedExample;
import io.skillmix.data.tokenizer.ChatTemplate;
import io.skillmix.data.tokenizer.Tokenizer;
import io.skillmix.data.tokenizer.TokenizerFixtures;
import io.skillmix.data.tokenizer.Tokenizers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code skillmix data preview}, run as a user runs it. */
class DataPreviewCommandTest {

  @TempDir
  Path dir;

  private static final String DATA = """
      {"instruction": "Add two and three.", "output": "Five."}
      {"instruction": "Name a colour.", "input": "", "output": "Blue 💙"}
      {"instruction": "Say hi.", "output": "Hi."}
      """;

  /** A model folder without weights: a small tokenizer and Qwen2.5-Instruct's own template. */
  private Path qwenFolder() throws IOException {
    Path folder = dir.resolve("qwen");
    TokenizerFixtures.writeGpt2Style(folder);
    TokenizerFixtures.writeJson(folder.resolve("tokenizer_config.json"), Map.of(
        "chat_template", resource("qwen2.5-instruct.jinja"), "eos_token", "<|im_end|>",
        "pad_token", "<|endoftext|>"));
    return folder;
  }

  private Path data() throws IOException {
    Path file = dir.resolve("train.jsonl");
    Files.writeString(file, DATA, StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void marksTheTrainedTokensAndCountsThem() throws IOException {
    Path model = qwenFolder();
    Result r = CliRun.run("data", "preview", "--model", model.toString(), data().toString(),
        "--limit", "2");
    assertEquals(0, r.code(), r.err());
    String system = "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a"
        + " helpful assistant.<|im_end|>\n";
    assertTrue(r.out().contains(system + "<|im_start|>user\nAdd two and three.<|im_end|>\n"
        + "<|im_start|>assistant\n[[Five.<|im_end|>\n]]\n"), r.out());
    assertTrue(r.out().contains("<|im_start|>assistant\n[[Blue 💙<|im_end|>\n]]\n"), r.out());
    assertTrue(r.out().contains("-- example 1 (" + dir.resolve("train.jsonl") + ":1): "), r.out());
    assertTrue(r.out().contains("-- example 2 (" + dir.resolve("train.jsonl") + ":2): "), r.out());
    assertTrue(!r.out().contains("Say hi."), "--limit 2 shows two examples");
    assertTrue(r.out().lines().anyMatch(l -> l.matches("2 examples, \\d+ tokens: \\d+ trained,"
        + " \\d+ not trained")), r.out());
  }

  @Test
  void jsonIsExactlyWhatTrainingEncodes() throws IOException {
    Path model = qwenFolder();
    Result r = CliRun.run("data", "preview", "--model", model.toString(), data().toString(),
        "--json", "--limit", "0");
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(3, lines.size(), r.out());
    JsonObject o = JsonParser.parseString(lines.get(1)).getAsJsonObject();
    assertEquals(List.of("text", "ids", "trained", "trained_text"), List.copyOf(o.keySet()));
    assertEquals("Blue 💙<|im_end|>\n", o.get("trained_text").getAsString());
    try (Tokenizer tok = Tokenizers.load(model)) {
      ChatTemplate template = ChatTemplate.resolve("auto", model);
      Conversation c = Conversation.of("Name a colour.", "Blue 💙");
      TokenizedExample e = new ExampleEncoder(template, tok, 384, ExampleEncoder.Overlength.TRUNCATE)
          .apply(c);
      assertEquals(template.render(c), o.get("text").getAsString());
      assertArrayEquals(e.ids(), ints(o.getAsJsonArray("ids")));
      JsonArray trained = o.getAsJsonArray("trained");
      for (int i = 0; i < e.length(); i++) {
        assertEquals(e.target()[i], trained.get(i).getAsBoolean(), "token " + i);
      }
    }
  }

  @Test
  void usesTheConfiguredLengthLimitAsTrainingDoes() throws IOException {
    Path model = qwenFolder();
    Result r = CliRun.run("data", "preview", "--model", model.toString(), data().toString(),
        "--json", "--limit", "1", "data.max-length=20");
    assertEquals(0, r.code(), r.err());
    JsonObject o = JsonParser.parseString(r.out().trim()).getAsJsonObject();
    assertEquals(20, o.getAsJsonArray("ids").size());
    assertEquals("Five.<|im_end|>\n", o.get("trained_text").getAsString());
  }

  @Test
  void aTemplateThatRaisesNamesTheFileTheLineAndTheTemplate() throws IOException {
    Path model = dir.resolve("gemma");
    TokenizerFixtures.writeGpt2Style(model);
    TokenizerFixtures.writeJson(model.resolve("tokenizer_config.json"), Map.of(
        "chat_template", resource("gemma-2-it.jinja"), "bos_token", "<|endoftext|>",
        "eos_token", "<|endoftext|>"));
    Path file = dir.resolve("sys.jsonl");
    Files.writeString(file, "{\"conversations\": [{\"from\": \"human\", \"value\": \"p\"},"
        + " {\"from\": \"gpt\", \"value\": \"r\"}]}\n"
        + "{\"conversations\": [{\"from\": \"system\", \"value\": \"Be brief.\"},"
        + " {\"from\": \"human\", \"value\": \"Hi\"}, {\"from\": \"gpt\", \"value\": \"Hello\"}]}\n");
    Result r = CliRun.run("data", "preview", "--model", model.toString(), "--format", "sharegpt",
        file.toString());
    assertEquals(2, r.code(), r.out());
    List<String> err = r.err().lines().toList();
    assertEquals(1, err.size(), r.err());
    assertEquals("skillmix: " + file + ":2: " + model.resolve("tokenizer_config.json")
        + ": the template raised an exception: System role not supported; example starting"
        + " system \"Be brief.\" (3 turns)", err.get(0));
  }

  @Test
  void autoOnAFolderWithoutATemplateSaysToSetOne() throws IOException {
    Path model = dir.resolve("bare");
    TokenizerFixtures.writeGpt2Style(model);
    Result r = CliRun.run("data", "preview", "--model", model.toString(), data().toString());
    assertEquals(2, r.code(), r.out());
    assertEquals("skillmix: " + model + ": no chat template (no chat_template in"
        + " tokenizer_config.json, no chat_template.jinja); set model.chat-template to vicuna,"
        + " chatml or llama3", r.err().trim());
    Result chatml = CliRun.run("data", "preview", "--model", model.toString(), data().toString(),
        "model.chat-template=chatml", "--limit", "1");
    assertEquals(0, chatml.code(), chatml.err());
    assertTrue(chatml.out().contains("<|im_start|>assistant\n[[Five.<|im_end|>]]\n"),
        chatml.out());
  }

  /** Issue 28 #5: model.system-prompt reaches the preview as it reaches training; --columns maps fields. */
  @Test
  void appliesTheSystemPromptAndAColumnMappingAsTrainingDoes() throws IOException {
    Path model = qwenFolder();
    Path file = dir.resolve("qa.jsonl");
    Files.writeString(file, "{\"question\": \"Add two and three.\", \"answer\": \"Five.\"}\n");
    Result plain = CliRun.run("data", "preview", "--model", model.toString(), "--columns",
        "prompt=question,response=answer", file.toString(), "--json");
    assertEquals(0, plain.code(), plain.err());
    assertTrue(plain.out().contains("You are Qwen, created by Alibaba Cloud."), plain.out());
    Result system = CliRun.run("data", "preview", "--model", model.toString(), "--columns",
        "prompt=question,response=answer", file.toString(), "--json", "model.system-prompt=\"Answer in one word.\"");
    assertEquals(0, system.code(), system.err());
    String text = JsonParser.parseString(system.out().strip()).getAsJsonObject().get("text").getAsString();
    assertTrue(text.startsWith("<|im_start|>system\nAnswer in one word.<|im_end|>\n<|im_start|>user\nAdd two and"
        + " three.<|im_end|>"), text);
    assertTrue(!text.contains("You are Qwen"), text);
    // Exactly what training encodes with the same settings.
    try (Tokenizer tokenizer = Tokenizers.load(model)) {
      ChatTemplate template = ChatTemplate.resolve("auto", model, "Answer in one word.");
      assertEquals(template.render(Conversation.of("Add two and three.", "Five.")), text);
    }
  }

  private static int[] ints(JsonArray a) {
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsInt();
    }
    return out;
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = DataPreviewCommandTest.class.getResourceAsStream("/chat-templates/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
