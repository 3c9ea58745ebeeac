package io.skillmix.data.tokenizer;

/**
 * GPT-2's byte-to-unicode table ({@code bytes_to_unicode} of the original encoder): every byte
 * gets a printable character, so a byte-level BPE vocabulary can be written as JSON strings.
 * Printable Latin-1 bytes map to themselves; the rest (controls, space, a few others) map in
 * byte order to U+0100 onwards, so the space is {@code Ġ} and the newline {@code Ċ}.
 */
public final class ByteLevel {

  private static final char[] BYTE_TO_CHAR = buildTable();

  private ByteLevel() {}

  /** The character that stands for byte {@code b} (0..255) in a byte-level vocabulary. */
  public static char charOf(int b) {
    return BYTE_TO_CHAR[b];
  }

  /** The byte-level spelling of {@code text}: its UTF-8 bytes, one character each. */
  public static String encode(String text) {
    byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder(bytes.length);
    for (byte b : bytes) {
      sb.append(BYTE_TO_CHAR[b & 0xFF]);
    }
    return sb.toString();
  }

  private static char[] buildTable() {
    char[] table = new char[256];
    int next = 256;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
      table[b] = printable ? (char) b : (char) next++;
    }
    return table;
  }
}
