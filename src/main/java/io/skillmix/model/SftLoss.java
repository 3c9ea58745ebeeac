package io.skillmix.model;

import ai.djl.ndarray.NDArray;
import io.skillmix.data.TokenizedExample;

/**
 * The supervised fine-tuning loss: mean cross-entropy of the next token over response positions
 * only. Prompt, template and padding positions carry weight 0 and contribute nothing. The rows
 * come from {@link ModelInputs}.
 *
 * <p>{@link #compute(CausalLM, NDArray, ModelInputs.Rows, int)} is the training path: it projects only the
 * counted positions' hidden states, {@code chunk} at a time ({@code train.loss-chunk}), so no
 * (batch, length, vocabulary) tensor is ever built.
 */
public final class SftLoss {

  private SftLoss() {}

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

  /**
   * @param logits (B, T, V)
   * @param targets (B, T) int64 next tokens
   * @param weights (B, T) 1 where the position counts, else 0
   * @return the scalar mean negative log-likelihood over counted positions (0 if none)
   */
  public static NDArray compute(NDArray logits, NDArray targets, NDArray weights) {
    return compute(logits, targets, weights, null, null);
  }

  /**
   * As {@link #compute(NDArray, NDArray, NDArray)}; {@code exampleNll} (if not null, indexed as
   * {@code exampleAt}, {@link ModelInputs.Rows#exampleAt}) gets each example's summed NLL.
   */
  public static NDArray compute(NDArray logits, NDArray targets, NDArray weights, int[] exampleAt,
      double[] exampleNll) {
    NDArray logProbs = logits.logSoftmax(-1);
    NDArray picked = logProbs.gather(targets.expandDims(-1), -1).squeeze(-1); // (B, T)
    NDArray weighted = picked.mul(weights);
    if (exampleNll != null) {
      double[] perPosition = weighted.neg().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
      clear(exampleAt, exampleNll);
      for (int p = 0; p < perPosition.length; p++) {
        if (exampleAt[p] >= 0) {
          exampleNll[exampleAt[p]] += perPosition[p];
        }
      }
    }
    NDArray total = weighted.sum().neg();
    return total.div(weights.sum().maximum(1f));
  }

  /** Zeroes the entries of the examples these positions hold (a pass computed again, as a recompute does, is not added twice). */
  private static void clear(int[] exampleAt, double[] exampleNll) {
    for (int e : exampleAt) {
      if (e >= 0) {
        exampleNll[e] = 0;
      }
    }
  }

  /**
   * The same mean NLL from the top-layer hidden states (B, T, D) of {@code lm}: the counted rows are
   * gathered first, then projected and normalised {@code chunk} rows at a time. Same value and
   * gradients as {@link #compute(NDArray, NDArray, NDArray)} on the full logits.
   */
  public static NDArray compute(CausalLM lm, NDArray hidden, ModelInputs.Rows in, int chunk) {
    return compute(lm, hidden, in, chunk, null);
  }

  /**
   * As {@link #compute(CausalLM, NDArray, ModelInputs.Rows, int)}; {@code exampleNll} (if not null,
   * indexed as {@link ModelInputs.Rows#exampleAt}: the step's examples) gets each example's summed
   * NLL over its counted positions, from the same values the loss adds up, so per-dataset losses
   * need no second pass.
   */
  public static NDArray compute(CausalLM lm, NDArray hidden, ModelInputs.Rows in, int chunk, double[] exampleNll) {
    long[] positions = in.countedPositions();
    if (exampleNll != null) {
      clear(in.exampleAt(), exampleNll);
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
        exampleNll[in.exampleAt()[(int) positions[i]]] += weights[i] * rowNll[i];
      }
    }
    return loss;
  }
}
