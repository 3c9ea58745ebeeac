package io.skillmix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
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
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chat input loop, driven through a Reader and a Writer with a real (random) model. */
class ChatSessionTest {

  private static final int NEW_TOKENS = 8;

  @Test
  void repliesStreamKeepTheHistoryAndResetForgetsIt() throws Exception {
    try (LanguageModel model = LanguageModel.random(ModelConfig.preset("tiny"), Device.cpu(), 7);
        Tokenizer tokenizer = new ByteTokenizer()) {
      ChatTemplate template = ChatTemplate.resolve("vicuna", null);
      ChatSession session = session(model, tokenizer, NEW_TOKENS, "Be brief.");
      StringWriter out = new StringWriter();

      session.run(new StringReader("hello\n\n  again  \n/reset\n/what\n/help\nhi"), out);

      // What each reply must be: greedy generation over the template of the history so far.
      List<Turn> history = new ArrayList<>();
      String first = expectedReply(model, tokenizer, template, history, "hello");
      history.add(new Turn(Role.USER, "hello"));
      history.add(new Turn(Role.ASSISTANT, first));
      String second = expectedReply(model, tokenizer, template, history, "  again  ");
      String third = expectedReply(model, tokenizer, template, List.of(), "hi");
      String p = ChatSession.PROMPT;
      assertEquals(p + first + "\n" + p + p + second + "\n" + p + "(history cleared)\n"
          + p + "(unknown command /what; /reset clears the history, /exit or Ctrl-D ends)\n"
          + p + "(/reset clears the history, /exit or Ctrl-D ends)\n"
          + p + third + "\n" + p + "\n", out.toString());
      assertEquals(List.of(new Turn(Role.USER, "hi"), new Turn(Role.ASSISTANT, third)), session.history());
    }
  }

  @Test
  void exitEndsTheChatAndIgnoresWhatFollows() throws Exception {
    try (LanguageModel model = LanguageModel.random(ModelConfig.preset("tiny"), Device.cpu(), 7);
        Tokenizer tokenizer = new ByteTokenizer()) {
      ChatSession session = session(model, tokenizer, 2, null);
      StringWriter out = new StringWriter();
      session.run(new StringReader("/exit\nhello\n"), out);
      assertEquals(ChatSession.PROMPT, out.toString());
      assertEquals(List.of(), session.history());
    }
  }

  /** Issue 33 E5: bytes that are not UTF-8 on standard input end the chat in one line, never reach the model. */
  @Test
  void bytesThatAreNotUtf8EndTheChatInOneLine() throws Exception {
    try (LanguageModel model = LanguageModel.random(ModelConfig.preset("tiny"), Device.cpu(), 7);
        Tokenizer tokenizer = new ByteTokenizer()) {
      ChatSession session = session(model, tokenizer, 2, null);
      StringWriter out = new StringWriter();
      byte[] input = {'h', 'i', '\n', 'c', 'a', 'f', (byte) 0xE9, '\n', 'x', '\n'};
      io.skillmix.UserError e = org.junit.jupiter.api.Assertions.assertThrows(io.skillmix.UserError.class,
          () -> session.run(ChatSession.utf8(new java.io.ByteArrayInputStream(input)), out));
      assertEquals("standard input: line 2 holds bytes that are not valid UTF-8; chat reads UTF-8 text", e.getMessage());
      assertEquals(2, session.history().size(), "the first line was answered, nothing after it");
      assertTrue(session.history().stream().noneMatch(t -> t.text().contains("\uFFFD")));
      byte[] endless = new byte[ChatSession.MAX_LINE_BYTES + 1]; // /dev/zero: NUL bytes and never a newline
      io.skillmix.UserError zero = org.junit.jupiter.api.Assertions.assertThrows(io.skillmix.UserError.class,
          () -> session.run(ChatSession.utf8(new java.io.ByteArrayInputStream(endless)), new StringWriter()));
      assertEquals("standard input: line 1 is longer than 1 MiB; chat reads lines of text", zero.getMessage());
    }
  }

  @Test
  void aMessageBeyondTheContextIsRefusedAndTheChatGoesOn() throws Exception {
    try (LanguageModel model = LanguageModel.random(ModelConfig.preset("tiny"), Device.cpu(), 7);
        Tokenizer tokenizer = new ByteTokenizer()) {
      ChatSession session = session(model, tokenizer, 2, null);
      StringWriter out = new StringWriter();
      session.run(new StringReader("x".repeat(600) + "\n/exit\n"), out);
      String text = out.toString();
      assertTrue(text.contains("tokens, and the model's context (max_position_embeddings) is 512"), text);
      assertTrue(text.contains("/reset starts a new conversation"), text);
      assertTrue(text.endsWith(")\n" + ChatSession.PROMPT), text);
      assertEquals(List.of(), session.history());
    }
  }

  @Test
  void theChatCommandGreetsChatsAndEndsAtTheEndOfInput(@TempDir Path dir) {
    Path folder = dir.resolve("tiny");
    try (LanguageModel model = LanguageModel.random(ModelConfig.preset("tiny"), Device.cpu(), 7)) {
      ModelFolder.save(model, null, folder);
    }
    CliRun.Result r = CliRun.withInput("hello\n", "chat", "--model", folder.toString(),
        "--chat-template", "vicuna", "--max-new-tokens", "3");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("chat with " + folder + "; " + ChatSession.COMMANDS + "\n"
        + ChatSession.PROMPT), r.out());
    assertTrue(r.out().endsWith("\n" + ChatSession.PROMPT + "\n"), r.out());
    CliRun.Result missing = CliRun.run("chat", "--model", dir.resolve("nope").toString());
    assertEquals(2, missing.code());
    assertEquals(1, missing.err().lines().count(), missing.err());
  }

  /** A greedy session through the vicuna template that stops at the byte tokenizer's EOS. */
  private static ChatSession session(LanguageModel model, Tokenizer tokenizer, int maxNewTokens,
      String system) {
    GenerationOptions options = new GenerationOptions();
    options.maxNewTokens = maxNewTokens;
    options.topP = 1;
    return new ChatSession(model, tokenizer, ChatTemplate.resolve("vicuna", null), options,
        Set.of(ByteTokenizer.EOS_ID), system);
  }

  private static String expectedReply(LanguageModel model, Tokenizer tokenizer, ChatTemplate template,
      List<Turn> history, String message) {
    List<Turn> turns = new ArrayList<>();
    turns.add(new Turn(Role.SYSTEM, "Be brief."));
    turns.addAll(history);
    turns.add(new Turn(Role.USER, message));
    int[] prompt = template.encodePrompt(new Conversation(turns), tokenizer).ids();
    int[] ids = Generator.generate(model, new int[][] {prompt},
        Generator.Settings.greedy(NEW_TOKENS, ByteTokenizer.EOS_ID))[0];
    if (ids.length > 0 && ids[ids.length - 1] == ByteTokenizer.EOS_ID) {
      ids = Arrays.copyOf(ids, ids.length - 1);
    }
    return tokenizer.decode(ids);
  }
}
