package io.skillmix.data.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.skillmix.model.ModelConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ByteTokenizerTest {

  private static final List<String> TEXTS = List.of(
      "Hello, world!",
      "  leading and trailing  ",
      "tabs\tand\nnewlines\r\n\n",
      "emoji 😀👍🏽 and a family 👨‍👩‍👧",
      "中文文本，标点。",
      "العربية نص",
      "mixed: ASCII, 中文, العربية, 😀, digits 12345, symbols <>&\"'\\",
      "\u0000\u0001\u007f control bytes",
      "");

  private final ByteTokenizer tok = new ByteTokenizer();

  @Test
  void agreesWithTheTinyPreset() {
    ModelConfig tiny = ModelConfig.preset("tiny");
    assertEquals(tiny.vocabSize(), tok.vocabSize());
    assertEquals(tiny.bosTokenId(), tok.bosId());
    assertEquals(tiny.eosTokenId(), tok.eosId());
    assertEquals(259, tok.vocabSize());
    assertEquals(257, tok.bosId());
    assertEquals(258, tok.eosId());
    assertEquals(256, tok.padId());
  }

  @Test
  void idsAreUtf8Bytes() {
    assertArrayEquals(new int[] {'h', 'i', ' ', 0xC3, 0xA9}, tok.encode("hi é"));
    assertArrayEquals(new int[] {0xF0, 0x9F, 0x98, 0x80}, tok.encode("😀"));
    assertArrayEquals(new int[0], tok.encode(""));
    for (String text : TEXTS) {
      assertEquals(text, tok.decode(tok.encode(text)));
    }
  }

  @Test
  void specialTextIsBytesButSpecialIdsDecodeToTheirText() {
    assertEquals(4, tok.encode("</s>").length, "literal </s> in data stays bytes");
    assertEquals("<s>ab</s><pad>", tok.decode(new int[] {257, 'a', 'b', 258, 256}));
    // a character split by a special id decodes each half as a replacement
    assertEquals("\uFFFD</s>", tok.decode(new int[] {0xC3, 258}));
    assertEquals(OptionalInt.of(258), tok.tokenId("</s>"));
    assertEquals(OptionalInt.empty(), tok.tokenId("<|im_start|>"));
    assertThrows(IllegalArgumentException.class, () -> tok.decode(new int[] {259}));
    assertThrows(IllegalArgumentException.class, () -> tok.decode(new int[] {-1}));
  }

  @Test
  void byteLevelTableIsGpt2s() {
    assertEquals('Ġ', ByteLevel.charOf(' '));
    assertEquals('Ċ', ByteLevel.charOf('\n'));
    assertEquals('ĉ', ByteLevel.charOf('\t'));
    assertEquals('Ā', ByteLevel.charOf(0));
    assertEquals('!', ByteLevel.charOf('!'));
    assertEquals('ÿ', ByteLevel.charOf(0xFF));
    assertEquals('Ń', ByteLevel.charOf(0xAD)); // the soft hyphen is the last remapped byte
    Set<Character> seen = new HashSet<>();
    for (int b = 0; b < 256; b++) {
      assertTrue(seen.add(ByteLevel.charOf(b)), "byte " + b + " maps to a fresh character");
    }
  }

  @Test
  void writtenHuggingFaceTokenizerGivesTheSameIds(@TempDir Path dir) throws IOException {
    tok.writeHuggingFace(dir, 512);
    try (Tokenizer hf = Tokenizers.load(dir)) {
      for (String text : TEXTS) {
        assertArrayEquals(tok.encode(text), hf.encode(text), "ids of '" + text + "'");
        assertEquals(text, hf.decode(tok.encode(text)), "decode of '" + text + "'");
      }
      assertEquals(tok.vocabSize(), hf.vocabSize());
      assertEquals(tok.bosId(), hf.bosId());
      assertEquals(tok.eosId(), hf.eosId());
      assertEquals(tok.padId(), hf.padId());
      assertEquals("a</s>", hf.decode(new int[] {'a', 258}));
      // The one documented difference: a Hugging Face tokenizer matches special-token text.
      assertArrayEquals(new int[] {258}, hf.encode("</s>"));
      assertNotEquals(1, tok.encode("</s>").length);
    }
  }

  @Test
  void writtenConfigNamesSpecialsAndTheVicunaTemplate(@TempDir Path dir) throws IOException {
    tok.writeHuggingFace(dir, 512);
    JsonObject config = JsonParser.parseString(
        Files.readString(dir.resolve("tokenizer_config.json"), StandardCharsets.UTF_8))
        .getAsJsonObject();
    assertEquals("<s>", config.get("bos_token").getAsString());
    assertEquals("</s>", config.get("eos_token").getAsString());
    assertEquals("<pad>", config.get("pad_token").getAsString());
    assertEquals(512, config.get("model_max_length").getAsInt());
    assertEquals(ChatTemplate.VICUNA_JINJA, config.get("chat_template").getAsString());
    assertEquals(ChatTemplate.VICUNA, ChatTemplate.detect(dir));

    JsonObject map = JsonParser.parseString(
        Files.readString(dir.resolve("special_tokens_map.json"), StandardCharsets.UTF_8))
        .getAsJsonObject();
    assertEquals("</s>", map.get("eos_token").getAsString());

    JsonObject json = JsonParser.parseString(
        Files.readString(dir.resolve("tokenizer.json"), StandardCharsets.UTF_8))
        .getAsJsonObject();
    JsonObject model = json.getAsJsonObject("model");
    assertEquals("BPE", model.get("type").getAsString());
    assertEquals(256, model.getAsJsonObject("vocab").size());
    assertEquals(32, model.getAsJsonObject("vocab").get("Ġ").getAsInt());
    assertEquals(0, model.getAsJsonArray("merges").size());
    JsonObject pre = json.getAsJsonObject("pre_tokenizer");
    assertEquals("ByteLevel", pre.get("type").getAsString());
    assertEquals(false, pre.get("add_prefix_space").getAsBoolean());
    assertEquals(false, pre.get("use_regex").getAsBoolean());
    assertEquals("ByteLevel", json.getAsJsonObject("decoder").get("type").getAsString());
    assertEquals(3, json.getAsJsonArray("added_tokens").size());
  }
}
