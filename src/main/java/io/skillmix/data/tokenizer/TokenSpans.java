package io.skillmix.data.tokenizer;

/**
 * The ids of a text and where each token came from: token {@code i} covers the characters
 * {@code [start[i], end[i])} of the text (UTF-16 indexes, as {@link String} counts them).
 */
public record TokenSpans(int[] ids, int[] start, int[] end) {

  public TokenSpans {
    if (ids.length != start.length || ids.length != end.length) {
      throw new IllegalArgumentException("ids, start and end differ in length");
    }
  }

  public int length() {
    return ids.length;
  }
}
