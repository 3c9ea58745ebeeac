package io.skillmix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.skillmix.run.RunFixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 33, D4 and E14: a model folder whose tokenizer has an added token beyond the model's
 * vocab_size (here one with id 2,000,258 next to 259 embedding rows). {@code train} refused it;
 * {@code generate} and {@code eval} said "internal error: index out of range in self" and {@code
 * model info} printed it without a word. Now each says so in one line, exit 2.
 */
class TokenizerVocabularyTest {

  @TempDir static Path dir;
  private static Path model;

  @BeforeAll
  static void folderWithAnOverlargeTokenizer() throws IOException {
    RunFixtures.write(dir);
    model = Files.createDirectories(dir.resolve("overlarge"));
    try (Stream<Path> files = Files.list(dir.resolve("model"))) {
      for (Path f : files.toList()) {
        Files.copy(f, model.resolve(f.getFileName()));
      }
    }
    Path file = model.resolve("tokenizer.json");
    JsonObject json = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    JsonArray added = json.has("added_tokens") && json.get("added_tokens").isJsonArray()
        ? json.getAsJsonArray("added_tokens") : new JsonArray();
    JsonObject token = new JsonObject();
    token.addProperty("id", 2_000_258);
    token.addProperty("content", "<|far|>");
    token.addProperty("single_word", false);
    token.addProperty("lstrip", false);
    token.addProperty("rstrip", false);
    token.addProperty("normalized", false);
    token.addProperty("special", true);
    added.add(token);
    json.add("added_tokens", added);
    Files.writeString(file, json.toString(), StandardCharsets.UTF_8);
  }

  private static void refused(CliRun.Result r) {
    assertEquals(2, r.code(), r.out() + r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().contains(model.resolve("tokenizer.json") + ": the tokenizer has 2,000,259"
        + " tokens but the model's vocab_size is 259"), r.err());
  }

  @Test
  void generateRefusesIt() {
    refused(CliRun.run("generate", "--model", model.toString(), "--raw", "--prompt",
        "hi <|far|>", "--max-new-tokens", "2"));
  }

  @Test
  void evalRefusesIt() {
    refused(CliRun.run("eval", "--no-progress", "--model", model.toString(), "--limit", "2",
        "data.datasets=[{name=talk, path=\"" + dir.resolve("talk.jsonl") + "\", held-out=0.1}]",
        "data.max-length=160"));
  }

  @Test
  void modelInfoFlagsIt() {
    CliRun.Result r = CliRun.run("model", "info", model.toString());
    refused(r);
    assertTrue(r.out().contains("tokenizer    2,000,259 tokens"), r.out());
    assertTrue(r.out().contains("vocabulary   259"), r.out());
  }

  @Test
  void trainRefusesItAsBefore() {
    CliRun.Result r = CliRun.run(Stream.concat(Stream.of("train", "run.dir=\""
        + dir.resolve("run") + "\""), Stream.concat(RunFixtures.overrides(dir).stream(),
        Stream.of("model.path=\"" + model + "\""))).toArray(String[]::new));
    refused(r);
    assertTrue(Files.notExists(dir.resolve("run")), "a refused run leaves no folder");
  }
}
