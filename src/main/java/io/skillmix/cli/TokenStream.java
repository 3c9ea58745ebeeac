package io.skillmix.cli;

import io.skillmix.data.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.Set;

/**
 * Turns one sequence's tokens into text as they come. A token's text can depend on its
 * neighbours (a multi-byte character split over byte tokens, a tokenizer's word spacing), so the
 * pending tokens are decoded together and only the text that has settled is given out; after a
 * newline the pending tokens start afresh, which keeps decoding linear in the reply's length.
 * Stop tokens end the reply and are not text.
 */
final class TokenStream {

  private static final char INCOMPLETE = '\uFFFD';

  private final Tokenizer tokenizer;
  private final Set<Integer> stopIds;
  private final StringBuilder text = new StringBuilder();
  private int[] pending = new int[16];
  private int pendingSize;
  /** Characters of the pending tokens' text already given out. */
  private int pendingEmitted;

  TokenStream(Tokenizer tokenizer, Set<Integer> stopIds) {
    this.tokenizer = tokenizer;
    this.stopIds = stopIds;
  }

  /** Adds a token; returns the text that became final with it (often empty). */
  String push(int id) {
    if (stopIds.contains(id)) {
      return "";
    }
    if (pendingSize == pending.length) {
      pending = Arrays.copyOf(pending, pendingSize * 2);
    }
    pending[pendingSize++] = id;
    String decoded = tokenizer.decode(Arrays.copyOf(pending, pendingSize));
    int end = decoded.length();
    while (end > 0 && decoded.charAt(end - 1) == INCOMPLETE) {
      end--; // perhaps the first bytes of a character whose last bytes are still to come
    }
    if (end <= pendingEmitted) {
      return "";
    }
    String fresh = decoded.substring(pendingEmitted, end);
    pendingEmitted = end;
    if (end == decoded.length() && decoded.endsWith("\n")) {
      pendingSize = 0;
      pendingEmitted = 0;
    }
    text.append(fresh);
    return fresh;
  }

  /** Whatever was held back at the end of the reply. */
  String finish() {
    if (pendingSize == 0) {
      return "";
    }
    String decoded = tokenizer.decode(Arrays.copyOf(pending, pendingSize));
    String rest = decoded.length() > pendingEmitted ? decoded.substring(pendingEmitted) : "";
    pendingSize = 0;
    pendingEmitted = 0;
    text.append(rest);
    return rest;
  }

  /** All the text given out so far. */
  String text() {
    return text.toString();
  }
}
