package io.skillmix.model;

import ai.djl.ndarray.NDArray;
import io.skillmix.data.TokenizedExample;
import java.util.List;

/**
 * The supervised fine-tuning loss: mean cross-entropy of the next token over response positions
 * only. Prompt, template and padding positions carry weight 0 and contribute nothing.
 *
 * <p>{@link #compute(CausalLM, NDArray, LossInputs, int)} is the training path: it projects only the
 * counted positions' hidden states, {@code chunk} at a time ({@code train.loss-chunk}), so no
 * (batch, length, vocabulary) tensor is ever built.
 */
public final class SftLoss {

  private SftLoss() {}

  /**
   * A batch as the model reads it, in plain arrays (row-major, {@code batch × length}): inputs
   * are tokens 0..n-2 of each example, targets tokens 1..n-1, right-padded to the longest.
   */
  public record LossInputs(long[] inputIds, long[] attentionMask, long[] targets, float[] weights,
      int batch, int length) {

    /** Flat indices (row-major, batch × length) of the positions that count, in order. */
    public long[] countedPositions() {
      long[] out = new long[countedTokens()];
      int n = 0;
      for (int i = 0; i < weights.length; i++) {
        if (weights[i] != 0) {
          out[n++] = i;
        }
      }
      return out;
    }

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
    return compute(logits, targets, weights, null);
  }

  /** As {@link #compute(NDArray, NDArray, NDArray)}; {@code exampleNll} (if not null) gets each row's NLL sum. */
  public static NDArray compute(NDArray logits, NDArray targets, NDArray weights, double[] exampleNll) {
    NDArray logProbs = logits.logSoftmax(-1);
    NDArray picked = logProbs.gather(targets.expandDims(-1), -1).squeeze(-1); // (B, T)
    NDArray weighted = picked.mul(weights);
    if (exampleNll != null) {
      double[] sums = weighted.sum(new int[] {1}).neg().toType(ai.djl.ndarray.types.DataType.FLOAT64, false)
          .toDoubleArray(); // (B)
      System.arraycopy(sums, 0, exampleNll, 0, sums.length);
    }
    NDArray total = weighted.sum().neg();
    return total.div(weights.sum().maximum(1f));
  }

  /**
   * The same mean NLL from the top-layer hidden states (B, T, D) of {@code lm}: the counted rows are
   * gathered first, then projected and normalised {@code chunk} rows at a time. Same value and
   * gradients as {@link #compute(NDArray, NDArray, NDArray)} on the full logits.
   */
  public static NDArray compute(CausalLM lm, NDArray hidden, LossInputs in, int chunk) {
    return compute(lm, hidden, in, chunk, null);
  }

  /**
   * As {@link #compute(CausalLM, NDArray, LossInputs, int)}; {@code exampleNll} (if not null, one
   * per example) gets each example's summed NLL over its counted positions, from the same values
   * the loss adds up, so per-dataset losses need no second pass.
   */
  public static NDArray compute(CausalLM lm, NDArray hidden, LossInputs in, int chunk, double[] exampleNll) {
    long[] positions = in.countedPositions();
    if (exampleNll != null) {
      java.util.Arrays.fill(exampleNll, 0);
    }
    if (positions.length == 0) {
      return hidden.sum().mul(Autograd.constant(hidden, 0f)); // 0, still connected to the graph
    }
    long[] targets = new long[positions.length];
    float[] weights = new float[positions.length];
    double total = 0;
    for (int i = 0; i < positions.length; i++) {
      targets[i] = in.targets()[(int) positions[i]];
      weights[i] = in.weights()[(int) positions[i]];
      total += weights[i];
    }
    NDArray rows = ChunkedHead.rows(hidden, positions); // (N, D)
    double[] rowNll = exampleNll == null ? null : new double[positions.length];
    NDArray loss = ChunkedHead.meanNll(lm, rows, targets, weights, Math.max(1.0, total), chunk, rowNll);
    if (exampleNll != null) {
      for (int i = 0; i < positions.length; i++) {
        exampleNll[(int) (positions[i] / in.length())] += weights[i] * rowNll[i];
      }
    }
    return loss;
  }
}
