package io.skillmix.data.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token spans are UTF-16 indexes into the text, the ids those of {@link Tokenizer#encode}. */
class TokenSpansTest {

  private static final String TEXT = "a😀 the<|im_end|>\nü";

  @Test
  void huggingFaceSpansAreUtf16IndexesIntoTheText(@TempDir Path dir) throws IOException {
    try (Tokenizer tok = HfTokenizer.load(TokenizerFixtures.writeGpt2Style(dir))) {
      TokenSpans spans = tok.encodeWithSpans(TEXT);
      assertArrayEquals(tok.encode(TEXT), spans.ids());
      int im = -1;
      for (int i = 0; i < spans.length(); i++) {
        if (spans.ids()[i] == TokenizerFixtures.IM_END) {
          im = i;
        }
      }
      // The special token after the emoji (two UTF-16 chars) covers exactly its own text.
      assertEquals("<|im_end|>", TEXT.substring(spans.start()[im], spans.end()[im]));
      assertEquals(TEXT.length(), spans.end()[spans.length() - 1]);
      // The four byte tokens of the emoji all end where the emoji ends.
      assertEquals(List.of(3, 3, 3, 3), List.of(spans.end()[1], spans.end()[2], spans.end()[3],
          spans.end()[4]));
    }
  }

  @Test
  void byteTokensCoverTheirWholeCharacter() {
    TokenSpans spans = new ByteTokenizer().encodeWithSpans("aü😀");
    assertArrayEquals(new int[] {0, 1, 1, 2, 2, 2, 2}, spans.start());
    assertArrayEquals(new int[] {1, 2, 2, 4, 4, 4, 4}, spans.end());
  }
}
