package io.skillmix.data.format.parquet;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A string value whose bytes are not valid UTF-8. It stands in the column in place of the text, so
 * that its row becomes a fault (as a JSON Lines line with such bytes is) instead of being trained
 * on with replacement characters.
 */
enum InvalidText {
  INSTANCE;

  /** The value of {@code length} bytes at {@code offset}: its text, or {@link #INSTANCE}. */
  static Object of(byte[] data, int offset, int length) {
    String s = new String(data, offset, length, StandardCharsets.UTF_8);
    // Decoding replaces bad bytes with U+FFFD; only then is the strict check worth its time (the
    // text may also hold a real U+FFFD, which is valid UTF-8).
    if (s.indexOf('\uFFFD') < 0) {
      return s;
    }
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data, offset, length));
      return s;
    } catch (CharacterCodingException e) {
      return INSTANCE;
    }
  }
}
