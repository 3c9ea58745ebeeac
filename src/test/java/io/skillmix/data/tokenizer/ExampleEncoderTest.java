package io.skillmix.data.tokenizer;

import io.skillmix.data.Conversation;
import io.skillmix.data.TokenizedExample;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ExampleEncoderTest {

  private final ByteTokenizer tokenizer = new ByteTokenizer();
  private final Conversation longPrompt = Conversation.of("x".repeat(400), "short answer");

  @Test
  void overLongExamplesLoseTheirPromptStartAndAreCounted() {
    ExampleEncoder encoder = new ExampleEncoder(ChatTemplate.VICUNA, tokenizer, 300, ExampleEncoder.Overlength.TRUNCATE);
    TokenizedExample full = ChatTemplate.VICUNA.encode(longPrompt, tokenizer);
    TokenizedExample cut = encoder.apply(longPrompt);
    assertEquals(300, cut.length());
    assertArrayEquals(Arrays.copyOfRange(full.ids(), full.length() - 300, full.length()), cut.ids());
    assertEquals(full.targetCount(), cut.targetCount(), "the response is kept whole");
    assertEquals(1, encoder.truncated());
    TokenizedExample fits = encoder.apply(Conversation.of("hi", "yo"));
    assertEquals(ChatTemplate.VICUNA.encode(Conversation.of("hi", "yo"), tokenizer).length(), fits.length());
    assertEquals(1, encoder.truncated());
  }

  @Test
  void skipLeavesOverLongExamplesOutAndCountsThem() {
    ExampleEncoder encoder = new ExampleEncoder(ChatTemplate.VICUNA, tokenizer, 300, ExampleEncoder.Overlength.SKIP);
    assertNull(encoder.apply(longPrompt));
    assertEquals(1, encoder.skipped());
    assertEquals(0, encoder.truncated());
  }
}
