package io.skillmix.learn;

import ai.djl.ndarray.NDArray;
import io.skillmix.data.TokenizedExample;
import java.util.List;

/**
 * The supervised fine-tuning loss: mean cross-entropy of the next token over response positions
 * only. Prompt, template and padding positions carry weight 0 and contribute nothing.
 */
public final class SftLoss {

  private SftLoss() {}

  /**
   * A batch as the model reads it, in plain arrays (row-major, {@code batch × length}): inputs
   * are tokens 0..n-2 of each example, targets tokens 1..n-1, right-padded to the longest.
   */
  public record LossInputs(long[] inputIds, long[] attentionMask, long[] targets, float[] weights,
      int batch, int length) {

    /** Positions that count in the loss. */
    public int countedTokens() {
      int n = 0;
      for (float w : weights) {
        if (w != 0) {
          n++;
        }
      }
      return n;
    }
  }

  /** Positions of one example that count: its target tokens after the first token. */
  public static int countedTokens(TokenizedExample example) {
    int n = 0;
    for (int t = 1; t < example.length(); t++) {
      if (example.target()[t]) {
        n++;
      }
    }
    return n;
  }

  /** Shifts and pads examples: position t reads token t and predicts token t + 1. */
  public static LossInputs shift(List<TokenizedExample> examples, int padId) {
    int b = examples.size();
    int length = 1;
    for (TokenizedExample e : examples) {
      length = Math.max(length, e.length() - 1);
    }
    long[] ids = new long[b * length];
    long[] mask = new long[b * length];
    long[] targets = new long[b * length];
    float[] weights = new float[b * length];
    java.util.Arrays.fill(ids, padId);
    for (int i = 0; i < b; i++) {
      TokenizedExample e = examples.get(i);
      int row = i * length;
      for (int t = 0; t + 1 < e.length(); t++) {
        ids[row + t] = e.ids()[t];
        mask[row + t] = 1;
        targets[row + t] = e.ids()[t + 1];
        weights[row + t] = e.target()[t + 1] ? 1f : 0f;
      }
    }
    return new LossInputs(ids, mask, targets, weights, b, length);
  }

  /**
   * @param logits (B, T, V)
   * @param targets (B, T) int64 next tokens
   * @param weights (B, T) 1 where the position counts, else 0
   * @return the scalar mean negative log-likelihood over counted positions (0 if none)
   */
  public static NDArray compute(NDArray logits, NDArray targets, NDArray weights) {
    NDArray logProbs = logits.logSoftmax(-1);
    NDArray picked = logProbs.gather(targets.expandDims(-1), -1).squeeze(-1); // (B, T)
    NDArray total = picked.mul(weights).sum().neg();
    return total.div(weights.sum().maximum(1f));
  }
}
