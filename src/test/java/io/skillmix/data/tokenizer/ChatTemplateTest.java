package io.skillmix.data.tokenizer;

import static io.skillmix.data.tokenizer.TokenizerFixtures.ENDOFTEXT;
import static io.skillmix.data.tokenizer.TokenizerFixtures.IM_END;
import static io.skillmix.data.tokenizer.TokenizerFixtures.IM_START;
import static io.skillmix.data.tokenizer.TokenizerFixtures.T_HE;
import static io.skillmix.data.tokenizer.TokenizerFixtures.T_SPACE_THE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.UserError;
import io.skillmix.data.Conversation;
import io.skillmix.data.Role;
import io.skillmix.data.TokenizedExample;
import io.skillmix.data.Turn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatTemplateTest {

  private static final ByteTokenizer BYTES = new ByteTokenizer();

  private static final Conversation ONE = Conversation.of("Hi", "Hello");
  private static final Conversation MULTI = new Conversation(List.of(
      new Turn(Role.SYSTEM, "Sys."),
      new Turn(Role.USER, "Q1"),
      new Turn(Role.ASSISTANT, "A1"),
      new Turn(Role.USER, "Q2"),
      new Turn(Role.ASSISTANT, "A2 😀")));

  // ---------------------------------------------------------------- rendering

  @Test
  void vicunaRendersLikeFastChat() {
    // These strings are also what ChatTemplate.VICUNA_JINJA renders (checked with jinja2).
    assertEquals(ChatTemplate.VICUNA_SYSTEM + " USER: Hi ASSISTANT: Hello</s>",
        ChatTemplate.VICUNA.render(ONE));
    assertEquals("Sys. USER: Q1 ASSISTANT: A1</s>USER: Q2 ASSISTANT: A2 😀</s>",
        ChatTemplate.VICUNA.render(MULTI));
    assertEquals("Sys. USER: Q1 ASSISTANT: A1</s>USER: Q2 ASSISTANT: ",
        ChatTemplate.VICUNA.renderPrompt(MULTI));
    assertEquals(ChatTemplate.VICUNA_SYSTEM + " USER: Hi ASSISTANT: ",
        ChatTemplate.VICUNA.renderPrompt(ONE));
  }

  @Test
  void chatMlRendersLikeQwen() {
    assertEquals("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
        + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello<|im_end|>\n",
        ChatTemplate.CHATML.render(ONE));
    assertEquals("<|im_start|>system\nSys.<|im_end|>\n<|im_start|>user\nQ1<|im_end|>\n"
        + "<|im_start|>assistant\nA1<|im_end|>\n<|im_start|>user\nQ2<|im_end|>\n"
        + "<|im_start|>assistant\n", ChatTemplate.CHATML.renderPrompt(MULTI));
  }

  @Test
  void llama3Renders() {
    assertEquals("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
        + "<|start_header_id|>assistant<|end_header_id|>\n\nHello<|eot_id|>",
        ChatTemplate.LLAMA3.render(ONE));
    assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nSys.<|eot_id|>"
        + "<|start_header_id|>user<|end_header_id|>\n\nQ1<|eot_id|>"
        + "<|start_header_id|>assistant<|end_header_id|>\n\n",
        ChatTemplate.LLAMA3.renderPrompt(new Conversation(MULTI.turns().subList(0, 2))));
  }

  // ---------------------------------------------------------------- masks

  @Test
  void byteTokenizerDecodesToTheRenderedText() {
    for (BuiltinTemplate t : BuiltinTemplate.values()) {
      for (Conversation c : List.of(ONE, MULTI)) {
        assertEquals(t.render(c), BYTES.decode(t.encode(c, BYTES).ids()), t + " " + c);
        assertEquals(t.renderPrompt(c), BYTES.decode(t.encodePrompt(c, BYTES).ids()), t + " " + c);
      }
    }
  }

  @Test
  void targetsAreEveryResponseAndItsEndOfTurn() {
    assertEquals(List.of("Hello</s>"), targetRuns(ChatTemplate.VICUNA.encode(ONE, BYTES)));
    assertEquals(List.of("A1</s>", "A2 😀</s>"),
        targetRuns(ChatTemplate.VICUNA.encode(MULTI, BYTES)));
    assertEquals(List.of("A1<|im_end|>", "A2 😀<|im_end|>"),
        targetRuns(ChatTemplate.CHATML.encode(MULTI, BYTES)));
    assertEquals(List.of("A1<|eot_id|>", "A2 😀<|eot_id|>"),
        targetRuns(ChatTemplate.LLAMA3.encode(MULTI, BYTES)));
  }

  @Test
  void vicunaClosesResponsesWithTheEosId() {
    TokenizedExample e = ChatTemplate.VICUNA.encode(ONE, BYTES);
    int n = e.length();
    assertEquals(ByteTokenizer.EOS_ID, e.ids()[n - 1]);
    assertTrue(e.target()[n - 1]);
    assertEquals("Hello".length() + 1, e.targetCount());
    // everything before the response is prompt
    int firstTarget = IntStream.range(0, n).filter(i -> e.target()[i]).findFirst().orElseThrow();
    assertEquals(ChatTemplate.VICUNA.renderPrompt(ONE),
        BYTES.decode(Arrays.copyOf(e.ids(), firstTarget)));
  }

  @Test
  void anEmptyResponseStillTeachesTheEndOfTurn() {
    TokenizedExample e = ChatTemplate.VICUNA.encode(Conversation.of("Hi", ""), BYTES);
    assertEquals(1, e.targetCount());
    assertEquals(ByteTokenizer.EOS_ID, e.ids()[e.length() - 1]);
  }

  @Test
  void promptIsTheTrainingPrefixWithNoTargets() {
    for (BuiltinTemplate t : BuiltinTemplate.values()) {
      TokenizedExample full = t.encode(MULTI, BYTES);
      TokenizedExample prompt = t.encodePrompt(MULTI, BYTES);
      assertEquals(0, prompt.targetCount());
      int lastResponseStart = lastRunStart(full.target());
      assertArrayEquals(Arrays.copyOf(full.ids(), lastResponseStart), prompt.ids(), t.name());
      // turns after the last user turn are ignored
      Conversation upToUser = new Conversation(MULTI.turns().subList(0, 4));
      assertArrayEquals(prompt.ids(), t.encodePrompt(upToUser, BYTES).ids(), t.name());
    }
    assertThrows(IllegalArgumentException.class, () -> ChatTemplate.CHATML.encodePrompt(
        new Conversation(List.of(new Turn(Role.SYSTEM, "s"))), BYTES));
  }

  @Test
  void vicunaTakesASystemTurnOnlyFirst() {
    Conversation c = new Conversation(List.of(new Turn(Role.USER, "q"),
        new Turn(Role.SYSTEM, "s"), new Turn(Role.ASSISTANT, "a")));
    assertThrows(UserError.class, () -> ChatTemplate.VICUNA.render(c));
    assertTrue(ChatTemplate.CHATML.render(c).contains("<|im_start|>system\ns<|im_end|>"));
  }

  // ---------------------------------------------------------------- Hugging Face tokenizers

  @Test
  void chatMlMarkersAreSpecialIdsWhenTheTokenizerHasThem(@TempDir Path dir) throws IOException {
    Conversation c = new Conversation(List.of(new Turn(Role.SYSTEM, "S"),
        new Turn(Role.USER, "hi"), new Turn(Role.ASSISTANT, " the")));
    try (Tokenizer tok = Tokenizers.load(TokenizerFixtures.writeGpt2Style(dir))) {
      TokenizedExample e = ChatTemplate.CHATML.encode(c, tok);
      IdList expected = new IdList();
      expected.add(IM_START).add(tok.encode("system\nS")).add(IM_END).add('\n');
      expected.add(IM_START).add(tok.encode("user\nhi")).add(IM_END).add('\n');
      expected.add(IM_START).add(tok.encode("assistant\n"));
      int response = expected.size();
      expected.add(T_SPACE_THE).add(IM_END).add('\n');
      assertArrayEquals(expected.toArray(), e.ids());
      for (int i = 0; i < e.length(); i++) {
        assertEquals(i == response || i == response + 1, e.target()[i], "target at " + i);
      }
      assertEquals(ChatTemplate.CHATML.render(c), tok.decode(e.ids()));
      assertArrayEquals(new int[] {IM_END}, ChatTemplate.CHATML.endOfTurnIds(tok));
    }
  }

  @Test
  void separatePiecesKeepTheMaskBoundaryExact(@TempDir Path dir) throws IOException {
    // Tokenized whole, "ASSISTANT: the" would merge the template's space and the response into
    // one "Ġthe" token, half prompt and half answer. Pieces keep them apart.
    Conversation c = new Conversation(List.of(new Turn(Role.SYSTEM, "s"),
        new Turn(Role.USER, "q"), new Turn(Role.ASSISTANT, "the")));
    try (Tokenizer tok = Tokenizers.load(TokenizerFixtures.writeGpt2Style(dir))) {
      int[] whole = tok.encode(ChatTemplate.VICUNA.render(c));
      assertTrue(Arrays.stream(whole).anyMatch(id -> id == T_SPACE_THE));
      TokenizedExample e = ChatTemplate.VICUNA.encode(c, tok);
      assertFalse(Arrays.stream(e.ids()).anyMatch(id -> id == T_SPACE_THE));
      assertEquals(List.of("the</s>"), targetRuns(e, tok));
      int first = lastRunStart(e.target());
      assertArrayEquals(new int[] {'t', T_HE, '<', '/', 's', '>'},
          Arrays.copyOfRange(e.ids(), first, e.length()), "no eos in this tokenizer: </s> as text");
      assertEquals(' ', e.ids()[first - 1]);
      assertFalse(e.target()[first - 1]);
    }
  }

  @Test
  void vicunaClosesWithTheHuggingFaceEosId(@TempDir Path dir) throws IOException {
    TokenizerFixtures.writeGpt2Style(dir);
    TokenizerFixtures.writeJson(dir.resolve("tokenizer_config.json"),
        Map.of("eos_token", "<|endoftext|>"));
    try (Tokenizer tok = Tokenizers.load(dir)) {
      TokenizedExample e = ChatTemplate.VICUNA.encode(MULTI, tok);
      assertEquals(List.of("A1<|endoftext|>", "A2 😀<|endoftext|>"), targetRuns(e, tok));
      assertEquals(ENDOFTEXT, e.ids()[e.length() - 1]);
      assertArrayEquals(new int[] {ENDOFTEXT}, ChatTemplate.VICUNA.endOfTurnIds(tok));
    }
  }

  // ---------------------------------------------------------------- detect, parse, resolve

  @Test
  void aFolderWithATemplateUsesItsOwnJinjaTemplate(@TempDir Path dir) throws IOException {
    String chatMl = "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n"
        + "{% endfor %}";
    ChatTemplate t = detectFrom(dir, "chatml", chatMl);
    assertTrue(t instanceof JinjaChatTemplate, t.toString());
    assertEquals("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello<|im_end|>\n",
        t.render(ONE));
    assertTrue(t.configName().contains("tokenizer_config.json"), t.configName());
    // a file in the folder stands for the folder
    assertEquals(t.render(ONE), ChatTemplate.detect(dir.resolve("chatml/tokenizer.json")).render(ONE));
    // chat_template.jinja wins over tokenizer_config.json, as in transformers
    Path both = Files.createDirectories(dir.resolve("both"));
    TokenizerFixtures.writeJson(both.resolve("tokenizer_config.json"), Map.of("chat_template", "x"));
    Files.writeString(both.resolve("chat_template.jinja"), "{{ messages[0]['content'] }}!");
    assertEquals("Hi!", ChatTemplate.detect(both).render(ONE));
    // The template the byte tokenizer's folders carry is the built-in vicuna, id for id.
    assertEquals(ChatTemplate.VICUNA, detectFrom(dir, "vicuna", ChatTemplate.VICUNA_JINJA));

    Path bad = Files.createDirectories(dir.resolve("bad"));
    Files.writeString(bad.resolve("tokenizer_config.json"), "{oops", StandardCharsets.UTF_8);
    UserError e = assertThrows(UserError.class, () -> ChatTemplate.detect(bad));
    assertTrue(e.getMessage().contains("tokenizer_config.json"), e.getMessage());
  }

  @Test
  void specialTokensComeFromTokenizerConfigAsStringsOrAddedTokens(@TempDir Path dir)
      throws IOException {
    Path folder = Files.createDirectories(dir.resolve("tokens"));
    TokenizerFixtures.writeJson(folder.resolve("tokenizer_config.json"), Map.of(
        "chat_template", "{{ bos_token }}{% for m in messages %}{{ m.content + eos_token }}"
            + "{% endfor %}{{ unk_token is defined }}",
        "bos_token", Map.of("content", "<s>", "lstrip", false, "special", true),
        "eos_token", "</s>"));
    // Python prints the boolean as False, as Jinja2 does.
    assertEquals("<s>Hi</s>Hello</s>False", ChatTemplate.resolve("auto", folder).render(ONE));
  }

  @Test
  void namedTemplatesUseDefaultUnlessOneIsNamed(@TempDir Path dir) throws IOException {
    Path list = Files.createDirectories(dir.resolve("list"));
    TokenizerFixtures.writeJson(list.resolve("tokenizer_config.json"), Map.of("chat_template",
        List.of(Map.of("name", "tool_use", "template", "tools:{{ messages|length }}"),
            Map.of("name", "default", "template", "default:{{ messages|length }}"))));
    assertEquals("default:2", ChatTemplate.resolve("auto", list).render(ONE));
    assertEquals("tools:2", ChatTemplate.resolve("tool_use", list).render(ONE));
    UserError e = assertThrows(UserError.class, () -> ChatTemplate.resolve("rag", list));
    assertTrue(e.getMessage().contains("model.chat-template 'rag'"), e.getMessage());

    Path noDefault = Files.createDirectories(dir.resolve("no-default"));
    TokenizerFixtures.writeJson(noDefault.resolve("tokenizer_config.json"), Map.of(
        "chat_template", List.of(Map.of("name", "rag", "template", "r"))));
    e = assertThrows(UserError.class, () -> ChatTemplate.resolve("auto", noDefault));
    assertTrue(e.getMessage().contains("no template named 'default' (it has rag)"), e.getMessage());
    assertEquals("r", ChatTemplate.resolve("rag", noDefault).render(ONE));
  }

  /** Issue 33, E14: of two templates named default the first was taken without a word. */
  @Test
  void twoTemplatesOfOneNameAreRefused(@TempDir Path dir) throws IOException {
    TokenizerFixtures.writeJson(dir.resolve("tokenizer_config.json"), Map.of("chat_template",
        List.of(Map.of("name", "default", "template", "first"),
            Map.of("name", "tool_use", "template", "tools"),
            Map.of("name", "default", "template", "second"))));
    for (String name : List.of("auto", "tool_use")) {
      UserError e = assertThrows(UserError.class, () -> ChatTemplate.resolve(name, dir));
      assertEquals(dir.resolve("tokenizer_config.json") + ": chat_template has two templates named"
          + " 'default'; keep one of them (or rename the other)", e.getMessage());
    }
  }

  @Test
  void autoOnAFolderWithoutATemplateRefusesAndSaysWhatToSet(@TempDir Path dir) throws IOException {
    Path noKey = Files.createDirectories(dir.resolve("no-key"));
    TokenizerFixtures.writeJson(noKey.resolve("tokenizer_config.json"), Map.of("eos_token", "x"));
    for (Path folder : List.of(noKey, Files.createDirectories(dir.resolve("none")))) {
      UserError e = assertThrows(UserError.class, () -> ChatTemplate.resolve("auto", folder));
      assertTrue(e.getMessage().startsWith(folder + ": no chat template"), e.getMessage());
      assertTrue(e.getMessage().contains("set model.chat-template to vicuna, chatml or llama3"),
          e.getMessage());
      assertEquals(ChatTemplate.CHATML, ChatTemplate.resolve("chatml", folder));
    }
  }

  @Test
  void parsesConfigNames(@TempDir Path dir) throws IOException {
    assertEquals(ChatTemplate.VICUNA, ChatTemplate.parse("vicuna"));
    assertEquals(ChatTemplate.CHATML, ChatTemplate.parse("ChatML"));
    assertEquals(ChatTemplate.LLAMA3, ChatTemplate.parse(" llama3 "));
    UserError e = assertThrows(UserError.class, () -> ChatTemplate.parse("alpaca"));
    for (String word : List.of("model.chat-template", "alpaca", "vicuna", "chatml", "llama3")) {
      assertTrue(e.getMessage().contains(word), e.getMessage());
    }
    assertEquals(ChatTemplate.VICUNA, ChatTemplate.resolve("auto", null));
    assertEquals(ChatTemplate.LLAMA3, ChatTemplate.resolve("llama3", dir));
    // A built-in name wins over the folder's own template.
    assertEquals(ChatTemplate.LLAMA3, ChatTemplate.resolve("llama3", detectFolder(dir, "x")));
    assertEquals("chatml", ChatTemplate.CHATML.configName());
  }

  // ---------------------------------------------------------------- helpers

  private static ChatTemplate detectFrom(Path dir, String name, String template)
      throws IOException {
    Path folder = Files.createDirectories(dir.resolve(name));
    TokenizerFixtures.writeJson(folder.resolve("tokenizer_config.json"),
        Map.of("chat_template", template));
    return ChatTemplate.detect(folder);
  }

  private static Path detectFolder(Path dir, String template) throws IOException {
    Path folder = Files.createDirectories(dir.resolve("resolve"));
    TokenizerFixtures.writeJson(folder.resolve("tokenizer_config.json"),
        Map.of("chat_template", template));
    return folder;
  }

  private static List<String> targetRuns(TokenizedExample e) {
    return targetRuns(e, BYTES);
  }

  /** The decoded text of each maximal run of target tokens. */
  static List<String> targetRuns(TokenizedExample e, Tokenizer tok) {
    List<String> runs = new ArrayList<>();
    int i = 0;
    while (i < e.length()) {
      if (!e.target()[i]) {
        i++;
        continue;
      }
      int start = i;
      while (i < e.length() && e.target()[i]) {
        i++;
      }
      runs.add(tok.decode(Arrays.copyOfRange(e.ids(), start, i)));
    }
    return runs;
  }

  private static int lastRunStart(boolean[] target) {
    int i = target.length - 1;
    while (i >= 0 && !target[i]) {
      i--;
    }
    while (i > 0 && target[i - 1]) {
      i--;
    }
    return i;
  }

  /** A growable list of ids for building expected sequences. */
  private static final class IdList {
    private final List<Integer> ids = new ArrayList<>();

    IdList add(int id) {
      ids.add(id);
      return this;
    }

    IdList add(int[] more) {
      for (int id : more) {
        ids.add(id);
      }
      return this;
    }

    int size() {
      return ids.size();
    }

    int[] toArray() {
      return ids.stream().mapToInt(Integer::intValue).toArray();
    }
  }
}
