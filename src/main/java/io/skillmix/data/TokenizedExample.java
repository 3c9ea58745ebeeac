package io.skillmix.data;

/**
 * A conversation after the chat template and the tokenizer: token ids, and for each position
 * whether that token is a response token (a target of the SFT loss). Position t of the model's
 * output predicts token t + 1, so the loss counts position t when {@code target[t + 1]} is set.
 */
public record TokenizedExample(int[] ids, boolean[] target) {

  public TokenizedExample {
    if (ids.length != target.length) {
      throw new IllegalArgumentException(
          "ids and target differ in length: " + ids.length + " vs " + target.length);
    }
  }

  public int length() {
    return ids.length;
  }

  /** Number of tokens that count in the loss. */
  public int targetCount() {
    int n = 0;
    for (boolean b : target) {
      if (b) {
        n++;
      }
    }
    return n;
  }
}
