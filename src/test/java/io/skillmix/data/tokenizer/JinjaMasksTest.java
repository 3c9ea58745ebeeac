package io.skillmix.data.tokenizer;

import static io.skillmix.data.tokenizer.JinjaTemplatesTest.UNICODE;
import static io.skillmix.data.tokenizer.JinjaTemplatesTest.chat;
import static io.skillmix.data.tokenizer.JinjaTemplatesTest.template;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.UserError;
import io.skillmix.data.Conversation;
import io.skillmix.data.Role;
import io.skillmix.data.TokenizedExample;
import io.skillmix.data.Turn;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training masks of the real templates: one tokenization of the whole rendered text (the
 * ids equal {@code tokenizer.encode(render(c))}), and the trained tokens are exactly each
 * answer and the end-of-turn marker the template writes after it, found by rendering or by the
 * template's {@code {% generation %}} blocks.
 */
class JinjaMasksTest {

  private static final List<String> MARKERS = List.of("<|im_start|>", "<|im_end|>",
      "<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>", "<s>",
      "</s>", "[INST]", "[/INST]", "<bos>", "<eos>", "<start_of_turn>", "<end_of_turn>",
      "<|system|>", "<|user|>", "<|assistant|>", "<|end|>");

  private static final Conversation MULTI = chat("Be brief.", "Q1", "A1 " + UNICODE, "Q2", "A2");
  private static final Conversation NO_SYSTEM = chat(null, "Q1", "A1 " + UNICODE, "Q2", "A2");

  private static void check(ChatTemplate t, Conversation c, Tokenizer tok, String... trained) {
    TokenizedExample e = t.encode(c, tok);
    assertArrayEquals(tok.encode(t.render(c)), e.ids(), "one tokenization of the rendered text");
    assertEquals(List.of(trained), ChatTemplateTest.targetRuns(e, tok));
  }

  @Test
  void everyTemplateTrainsOnExactlyTheAnswersAndTheirEndOfTurn(@TempDir Path dir)
      throws IOException {
    try (Tokenizer tok = HfTokenizer.load(TokenizerFixtures.writeGpt2Style(dir, MARKERS))) {
      JinjaChatTemplate qwen25 = JinjaTemplatesTest.QWEN25;
      check(qwen25, MULTI, tok, "A1 " + UNICODE + "<|im_end|>\n", "A2<|im_end|>\n");
      check(qwen25, NO_SYSTEM, tok, "A1 " + UNICODE + "<|im_end|>\n", "A2<|im_end|>\n");
      check(JinjaTemplatesTest.SMOLLM2, MULTI, tok,
          "A1 " + UNICODE + "<|im_end|>\n", "A2<|im_end|>\n");
      check(JinjaTemplatesTest.LLAMA31, MULTI, tok, "A1 " + UNICODE + "<|eot_id|>", "A2<|eot_id|>");
      // Mistral writes " " + answer: the space is the answer's first token (SentencePiece's ▁).
      check(JinjaTemplatesTest.MISTRAL, NO_SYSTEM, tok, " A1 " + UNICODE + "</s>", " A2</s>");
      check(JinjaTemplatesTest.MISTRAL, MULTI, tok, " A1 " + UNICODE + "</s>", " A2</s>");
      check(JinjaTemplatesTest.GEMMA, NO_SYSTEM, tok,
          "A1 " + UNICODE + "<end_of_turn>\n", "A2<end_of_turn>\n");
      // Phi-3.5's EOS comes after the last answer only; the model learns it there.
      check(JinjaTemplatesTest.PHI35, MULTI, tok,
          "A1 " + UNICODE + "<|end|>\n", "A2<|end|>\n<|endoftext|>");
      // Qwen3: the last answer carries the (empty) reasoning block the model writes; earlier
      // answers are rendered, and trained, without it.
      check(JinjaTemplatesTest.QWEN3, MULTI, tok,
          "A1 " + UNICODE + "<|im_end|>\n", "<think>\n\n</think>\n\nA2<|im_end|>\n");
    }
  }

  @Test
  void generationBlocksMarkTheTrainedText(@TempDir Path dir) throws IOException {
    try (Tokenizer tok = HfTokenizer.load(TokenizerFixtures.writeGpt2Style(dir, MARKERS))) {
      JinjaChatTemplate gemma = template("gemma-training.jinja", "<bos>", "<eos>");
      assertEquals(JinjaTemplatesTest.GEMMA.render(NO_SYSTEM), gemma.render(NO_SYSTEM));
      check(gemma, NO_SYSTEM, tok, "A1 " + UNICODE + "<end_of_turn>\n", "A2<end_of_turn>\n");
      JinjaChatTemplate phi = template("phi-3.5-training.jinja", "<s>", "<|endoftext|>");
      assertEquals(JinjaTemplatesTest.PHI35.render(MULTI), phi.render(MULTI));
      check(phi, MULTI, tok, "A1 " + UNICODE + "<|end|>\n", "A2<|end|>\n<|endoftext|>");
    }
  }

  @Test
  void aTemplateThatWritesTheBosGetsItOnce(@TempDir Path dir) throws IOException {
    try (Tokenizer tok = HfTokenizer.load(TokenizerFixtures.writeGpt2Style(dir, MARKERS))) {
      TokenizedExample e = JinjaTemplatesTest.LLAMA31.encode(MULTI, tok);
      int bos = tok.tokenId("<|begin_of_text|>").getAsInt();
      assertEquals(bos, e.ids()[0]);
      assertEquals(1, Arrays.stream(e.ids()).filter(id -> id == bos).count());
    }
  }

  @Test
  void promptsEndWithTheGenerationPromptAndTrainNothing(@TempDir Path dir) throws IOException {
    try (Tokenizer tok = HfTokenizer.load(TokenizerFixtures.writeGpt2Style(dir, MARKERS))) {
      for (JinjaChatTemplate t : List.of(JinjaTemplatesTest.QWEN25, JinjaTemplatesTest.LLAMA31,
          JinjaTemplatesTest.MISTRAL, JinjaTemplatesTest.GEMMA, JinjaTemplatesTest.PHI35,
          JinjaTemplatesTest.SMOLLM2, JinjaTemplatesTest.QWEN3)) {
        Conversation c = t == JinjaTemplatesTest.GEMMA ? NO_SYSTEM : MULTI;
        TokenizedExample p = t.encodePrompt(c, tok);
        assertArrayEquals(tok.encode(t.renderPrompt(c)), p.ids(), t.toString());
        assertEquals(0, p.targetCount());
      }
    }
  }

  @Test
  void endOfTurnIdsAreTheMarkerAfterAnAnswer(@TempDir Path dir) throws IOException {
    try (Tokenizer tok = HfTokenizer.load(TokenizerFixtures.writeGpt2Style(dir, MARKERS))) {
      assertArrayEquals(ids(tok, "<|im_end|>"), JinjaTemplatesTest.QWEN25.endOfTurnIds(tok));
      assertArrayEquals(ids(tok, "<|eot_id|>"), JinjaTemplatesTest.LLAMA31.endOfTurnIds(tok));
      assertArrayEquals(ids(tok, "</s>"), JinjaTemplatesTest.MISTRAL.endOfTurnIds(tok));
      assertArrayEquals(ids(tok, "<end_of_turn>"), JinjaTemplatesTest.GEMMA.endOfTurnIds(tok));
      assertArrayEquals(ids(tok, "<|end|>"), JinjaTemplatesTest.PHI35.endOfTurnIds(tok));
      assertArrayEquals(ids(tok, "<|im_end|>"), JinjaTemplatesTest.QWEN3.endOfTurnIds(tok));
    }
  }

  @Test
  void plainTextHasNoTemplateAndTrainsEveryTokenAndTheEos(@TempDir Path dir) throws IOException {
    TokenizerFixtures.writeJson(dir.resolve("tokenizer_config.json"),
        java.util.Map.of("eos_token", "<|endoftext|>"));
    try (Tokenizer tok = HfTokenizer.load(TokenizerFixtures.writeGpt2Style(dir, MARKERS))) {
      Conversation plain = Conversation.plain("the text " + UNICODE);
      for (ChatTemplate t : List.of(JinjaTemplatesTest.QWEN25, ChatTemplate.VICUNA)) {
        TokenizedExample e = t.encode(plain, tok);
        assertEquals("the text " + UNICODE, t.render(plain));
        assertEquals("the text " + UNICODE + "<|endoftext|>", tok.decode(e.ids()));
        assertEquals(e.length(), e.targetCount());
      }
    }
  }

  @Test
  void toolMessagesGoToTemplatesThatTakeThemAndAreRefusedByOthers(@TempDir Path dir)
      throws IOException {
    Conversation withTool = new Conversation(List.of(new Turn(Role.USER, "Weather?"),
        new Turn(Role.TOOL, "sunny"), new Turn(Role.ASSISTANT, "Sunny.")));
    try (Tokenizer tok = HfTokenizer.load(TokenizerFixtures.writeGpt2Style(dir, MARKERS))) {
      // Qwen2.5 writes a tool result as a user turn holding <tool_response>.
      assertEquals("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful"
          + " assistant.<|im_end|>\n<|im_start|>user\nWeather?<|im_end|>\n<|im_start|>user\n"
          + "<tool_response>\nsunny\n</tool_response><|im_end|>\n<|im_start|>assistant\nSunny."
          + "<|im_end|>\n", JinjaTemplatesTest.QWEN25.render(withTool));
      check(JinjaTemplatesTest.QWEN25, withTool, tok, "Sunny.<|im_end|>\n");
      // Phi-3.5's template silently drops other roles: refused rather than trained with a hole.
      UserError e = assertThrows(UserError.class,
          () -> JinjaTemplatesTest.PHI35.encode(withTool, tok));
      assertTrue(e.getMessage().startsWith("phi-3.5-mini-instruct.jinja: this chat template has"
          + " no tool role"), e.getMessage());
      for (ChatTemplate builtin : List.of(ChatTemplate.VICUNA, ChatTemplate.CHATML,
          ChatTemplate.LLAMA3)) {
        e = assertThrows(UserError.class, () -> builtin.encode(withTool, tok));
        assertTrue(e.getMessage().contains("has no tool role"), e.getMessage());
      }
    }
  }

  private static int[] ids(Tokenizer tok, String special) {
    return new int[] {tok.tokenId(special).getAsInt()};
  }
}
