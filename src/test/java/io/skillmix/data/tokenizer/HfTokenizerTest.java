package io.skillmix.data.tokenizer;

import static io.skillmix.data.tokenizer.TokenizerFixtures.ENDOFTEXT;
import static io.skillmix.data.tokenizer.TokenizerFixtures.IM_END;
import static io.skillmix.data.tokenizer.TokenizerFixtures.IM_START;
import static io.skillmix.data.tokenizer.TokenizerFixtures.T_20;
import static io.skillmix.data.tokenizer.TokenizerFixtures.T_2SPACE;
import static io.skillmix.data.tokenizer.TokenizerFixtures.T_HE;
import static io.skillmix.data.tokenizer.TokenizerFixtures.T_SPACE_THE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Expected ids are derived by hand from the GPT-2 regex and the fixture's merges. */
class HfTokenizerTest {

  @TempDir static Path dir;
  static Tokenizer tok;

  @BeforeAll
  static void load() throws IOException {
    tok = Tokenizers.load(TokenizerFixtures.writeGpt2Style(dir.resolve("gpt2")));
  }

  @AfterAll
  static void close() {
    tok.close();
  }

  private static void assertIds(String text, int... expected) {
    assertArrayEquals(expected, tok.encode(text), "ids of '" + text + "'");
    assertEquals(text, tok.decode(expected), "decode of '" + text + "'");
  }

  @Test
  void mergesApplyByRankWithinAWord() {
    assertIds("the", 't', T_HE); // "h e" merges; "Ġt" needs a space
    assertIds(" the", T_SPACE_THE); // Ġ t → Ġt, h e → he, Ġt he → Ġthe
    assertIds("the the", 't', T_HE, T_SPACE_THE);
  }

  @Test
  void leadingTrailingAndMultipleSpaces() {
    // \s+(?!\S) leaves the last space to the word: "  the" → "Ġ" + "Ġthe"
    assertIds("  the", ' ', T_SPACE_THE);
    // trailing spaces are one pre-token: "ĠĠ" merges, pairs leftmost first
    assertIds("the  ", 't', T_HE, T_2SPACE);
    assertIds("a   ", 'a', T_2SPACE, ' ');
    // "   b": "ĠĠ" then "Ġb"
    assertIds("a   b", 'a', T_2SPACE, ' ', 'b');
    assertIds(" ", ' ');
    assertIds("");
  }

  @Test
  void newlinesAndTabsAreTheirBytes() {
    assertIds("a\n\tb", 'a', '\n', '\t', 'b');
    assertIds("x\r\ny", 'x', '\r', '\n', 'y');
    assertIds("\n\n", '\n', '\n');
  }

  @Test
  void digitsAreTheirOwnPreTokens() {
    assertIds(" 2024", ' ', T_20, '2', '4');
    // "e 2" is a merge, but the regex splits letters from digits, so it never applies here
    assertIds("be2", 'b', 'e', '2');
    assertIds("2020", T_20, T_20);
  }

  @Test
  void emojiAndChineseAreUtf8Bytes() {
    assertIds("😀", 0xF0, 0x9F, 0x98, 0x80);
    assertIds(" 😀", ' ', 0xF0, 0x9F, 0x98, 0x80);
    assertIds("中文", 0xE4, 0xB8, 0xAD, 0xE6, 0x96, 0x87);
  }

  @Test
  void specialTokensAreNotAddedButAreRecognisedInText() {
    // The fixture's post-processor would prepend <|endoftext|>; encode must not.
    assertArrayEquals(new int[] {'x'}, tok.encode("x"));
    assertArrayEquals(new int[] {'t', T_HE, IM_END}, tok.encode("the<|im_end|>"));
    assertArrayEquals(new int[] {ENDOFTEXT}, tok.encode("<|endoftext|>"));
    assertEquals("<|im_start|>the", tok.decode(new int[] {IM_START, 't', T_HE}));
  }

  @Test
  void vocabularyAndTokenIds() {
    assertEquals(265, tok.vocabSize());
    assertEquals(OptionalInt.of(IM_START), tok.tokenId("<|im_start|>"));
    assertEquals(OptionalInt.empty(), tok.tokenId("<|eot_id|>"));
    // no side files: no bos, eos or pad
    assertEquals(-1, tok.bosId());
    assertEquals(-1, tok.eosId());
    assertEquals(-1, tok.padId());
  }

  @Test
  void specialsFromTokenizerConfigAsStringsOrContentObjects() throws IOException {
    Path folder = dir.resolve("with-config");
    TokenizerFixtures.writeGpt2Style(folder);
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("bos_token", Map.of("content", "<|endoftext|>", "special", true));
    config.put("eos_token", "<|im_end|>");
    config.put("pad_token", null);
    TokenizerFixtures.writeJson(folder.resolve("tokenizer_config.json"), config);
    // lower priority: must not override the tokenizer_config
    TokenizerFixtures.writeJson(folder.resolve("special_tokens_map.json"),
        Map.of("eos_token", "<|endoftext|>", "pad_token", "<|endoftext|>"));
    try (Tokenizer t = Tokenizers.load(folder)) {
      assertEquals(ENDOFTEXT, t.bosId());
      assertEquals(IM_END, t.eosId());
      assertEquals(-1, t.padId()); // explicit null decides
    }
  }

  @Test
  void specialsFromSpecialTokensMapThenConfigJson() throws IOException {
    Path folder = dir.resolve("with-map");
    Path file = TokenizerFixtures.writeGpt2Style(folder);
    TokenizerFixtures.writeJson(folder.resolve("special_tokens_map.json"),
        Map.of("eos_token", Map.of("content", "<|im_end|>")));
    TokenizerFixtures.writeJson(folder.resolve("config.json"),
        Map.of("bos_token_id", ENDOFTEXT, "eos_token_id", List.of(1, 2), "pad_token_id", 3));
    try (Tokenizer t = Tokenizers.load(file)) {
      assertEquals(ENDOFTEXT, t.bosId());
      assertEquals(IM_END, t.eosId());
      assertEquals(3, t.padId());
    }
  }

  @Test
  void unknownSpecialTokenNamesTheFile() throws IOException {
    Path folder = dir.resolve("bad-eos");
    TokenizerFixtures.writeGpt2Style(folder);
    TokenizerFixtures.writeJson(folder.resolve("tokenizer_config.json"),
        Map.of("eos_token", "<|nope|>"));
    UserError e = assertThrows(UserError.class, () -> Tokenizers.load(folder));
    assertTrue(e.getMessage().contains("tokenizer_config.json"), e.getMessage());
    assertTrue(e.getMessage().contains("<|nope|>"), e.getMessage());
  }

  @Test
  void badFilesAreUserErrorsNamingTheFile() throws IOException {
    Path missing = dir.resolve("missing/tokenizer.json");
    assertUserError(() -> Tokenizers.load(missing), missing.toString());

    Path notJson = dir.resolve("not-json.json");
    Files.writeString(notJson, "{ this is not json", StandardCharsets.UTF_8);
    assertUserError(() -> Tokenizers.load(notJson), notJson.toString());

    Path noModel = dir.resolve("no-model.json");
    Files.writeString(noModel, "{\"version\": \"1.0\"}", StandardCharsets.UTF_8);
    assertUserError(() -> Tokenizers.load(noModel), noModel.toString());

    Path badModel = dir.resolve("bad-model.json");
    Files.writeString(badModel, "{\"model\": {\"type\": \"NoSuchModel\", \"vocab\": {}}}",
        StandardCharsets.UTF_8);
    assertUserError(() -> Tokenizers.load(badModel), badModel.toString());

    Path emptyFolder = Files.createDirectories(dir.resolve("empty-model"));
    UserError e = assertUserError(() -> Tokenizers.load(emptyFolder), emptyFolder.toString());
    assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());

    Path folder = dir.resolve("bad-config");
    TokenizerFixtures.writeGpt2Style(folder);
    Files.writeString(folder.resolve("tokenizer_config.json"), "[1, 2", StandardCharsets.UTF_8);
    assertUserError(() -> Tokenizers.load(folder), "tokenizer_config.json");
  }

  private static UserError assertUserError(Runnable r, String mustMention) {
    UserError e = assertThrows(UserError.class, r::run);
    assertTrue(e.getMessage().contains(mustMention), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    return e;
  }
}
