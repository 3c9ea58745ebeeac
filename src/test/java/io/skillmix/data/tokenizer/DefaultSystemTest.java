package io.skillmix.data.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.skillmix.data.Conversation;
import io.skillmix.data.Role;
import io.skillmix.data.TokenizedExample;
import io.skillmix.data.Turn;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code model.system-prompt}: the system message of every conversation that has none. */
class DefaultSystemTest {

  private static final ByteTokenizer BYTES = new ByteTokenizer();
  private static final Conversation ONE = Conversation.of("Hi", "Hello");

  @Test
  void anEmptySystemPromptDropsVicunasSentenceAsFastChatDoes() {
    ChatTemplate none = ChatTemplate.resolve("auto", null, "");
    // FastChat's vicuna_v1.1 with system_message "": system + sep (" ") + "USER: ..." (ADD_COLON_TWO).
    assertEquals(" USER: Hi ASSISTANT: Hello</s>", none.render(ONE));
    assertEquals(" USER: Hi ASSISTANT: ", none.renderPrompt(ONE));
    TokenizedExample full = none.encode(ONE, BYTES);
    TokenizedExample prompt = none.encodePrompt(ONE, BYTES);
    // The generation prompt is, id for id, the prefix training saw; only "Hello" and </s> are targets.
    assertArrayEquals(prompt.ids(), Arrays.copyOf(full.ids(), prompt.length()));
    assertEquals("Hello".length() + 1, full.targetCount());
    assertEquals(ChatTemplate.VICUNA.encode(ONE, BYTES).length() - ChatTemplate.VICUNA_SYSTEM.length(), full.length());
  }

  @Test
  void aGivenTextBecomesTheSystemTurnAndAConversationsOwnSystemTurnWins() {
    ChatTemplate chatml = ChatTemplate.resolve("chatml", null, "Be brief.");
    assertEquals("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
        + "<|im_start|>assistant\nHello<|im_end|>\n", chatml.render(ONE));
    Conversation own = new Conversation(List.of(new Turn(Role.SYSTEM, "Mine."), new Turn(Role.USER, "Hi"),
        new Turn(Role.ASSISTANT, "Hello")));
    assertEquals(ChatTemplate.CHATML.render(own), chatml.render(own));
    Conversation text = Conversation.plain("just text");
    assertEquals("just text", chatml.render(text));
  }

  @Test
  void autoKeepsTheTemplateAsItIs() {
    assertSame(ChatTemplate.VICUNA, ChatTemplate.resolve("auto", null, "auto"));
    assertSame(ChatTemplate.LLAMA3, ChatTemplate.resolve("llama3", null, "auto"));
  }
}
