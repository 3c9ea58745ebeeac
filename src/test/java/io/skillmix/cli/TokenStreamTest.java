package io.skillmix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.skillmix.data.tokenizer.ByteTokenizer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Streaming text out of tokens: split characters, stop tokens, and the order of a batch. */
class TokenStreamTest {

  private final ByteTokenizer bytes = new ByteTokenizer();

  @Test
  void charactersSplitOverByteTokensComeOutWhole() {
    String text = "é€ 😀 ok\nnext line ü";
    TokenStream stream = new TokenStream(bytes, Set.of(ByteTokenizer.EOS_ID));
    List<String> pieces = new ArrayList<>();
    for (int id : bytes.encode(text)) {
      pieces.add(stream.push(id));
    }
    pieces.add(stream.push(ByteTokenizer.EOS_ID));
    pieces.add(stream.finish());
    pieces.forEach(p -> assertFalse(p.contains("\uFFFD"), "no half character in " + pieces));
    assertEquals(text, String.join("", pieces));
    assertEquals(text, stream.text());
  }

  @Test
  void aTruncatedCharacterStillComesOutAtTheEnd() {
    byte[] euro = "€".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    TokenStream stream = new TokenStream(bytes, Set.of());
    assertEquals("a", stream.push('a'));
    assertEquals("", stream.push(euro[0] & 0xff));
    assertEquals(bytes.decode(new int[] {euro[0] & 0xff}), stream.finish());
  }

  @Test
  void repliesOfABatchPrintInPromptOrderWhateverOrderTheyEndIn() {
    StringWriter sink = new StringWriter();
    PrintWriter out = new PrintWriter(sink);
    OrderedStream stream = new OrderedStream(out, bytes, Set.of(ByteTokenizer.EOS_ID), 3);
    stream.onToken(0, 'a', false);
    stream.onToken(1, 'x', false);
    stream.onToken(2, 'p', false);
    stream.onToken(1, ByteTokenizer.EOS_ID, true); // reply 1 ends first
    assertEquals("a", sink.toString(), "only the first reply prints while it runs");
    stream.onToken(0, 'b', false);
    stream.onToken(2, 'q', false);
    stream.onToken(0, 'c', true); // the token limit
    assertEquals("abc\n\nx\n\npq", sink.toString());
    stream.onToken(2, 'r', false);
    assertEquals("abc\n\nx\n\npqr", sink.toString(), "the current reply streams");
    stream.finish();
    assertEquals("abc\n\nx\n\npqr\n", sink.toString());
  }
}
