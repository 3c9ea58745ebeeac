package io.skillmix.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.skillmix.data.TokenizedExample;
import io.skillmix.model.ModelInputs;
import io.skillmix.model.ChunkedHead;
import io.skillmix.model.GradMode;
import io.skillmix.model.LanguageModel;
import java.util.List;

/**
 * Scores examples with a model, no gradients: the shared path of held-out perplexity, the Diff
 * reward (PPL_θ / PPL_θ0 per example), multiple-choice evaluation and instance selection; and the
 * mean-pooled top-layer embedding of the CosSim reward.
 */
public final class LogLikelihood {

  private LogLikelihood() {}

  /** Per example: the sum of log-probabilities of its target tokens, and how many there are. */
  public record Scores(double[] logProbSums, int[] counts) {

    /** Mean negative log-likelihood of example k (0 when it has no target token). */
    public double meanNll(int k) {
      return counts[k] == 0 ? 0 : -logProbSums[k] / counts[k];
    }

    public int size() {
      return counts.length;
    }

    /** Perplexity of example k: exp(mean NLL), 1 when it has no target token. */
    public double perplexity(int k) {
      return Math.exp(meanNll(k));
    }

    /** Target tokens over all examples: the weight of {@link #meanNll()}. */
    public long totalTargets() {
      long n = 0;
      for (int c : counts) {
        n += c;
      }
      return n;
    }

    /** Token-weighted mean NLL over all examples. */
    public double meanNll() {
      double sum = 0;
      long n = 0;
      for (int k = 0; k < counts.length; k++) {
        sum -= logProbSums[k];
        n += counts[k];
      }
      return n == 0 ? 0 : sum / n;
    }
  }

  /** @param inputs how examples become rows (the tokenizer's pad id; packed or padded) */
  public static Scores score(LanguageModel model, ModelInputs inputs, List<TokenizedExample> examples,
      int batchSize) {
    return score(model, inputs, examples, batchSize, ChunkedHead.DEFAULT_CHUNK);
  }

  /**
   * As {@link #score(LanguageModel, ModelInputs, List, int)}: only the target positions' hidden
   * states are projected to the vocabulary, {@code chunk} rows at a time.
   */
  public static Scores score(LanguageModel model, ModelInputs inputs, List<TokenizedExample> examples,
      int batchSize, int chunk) {
    GradMode.disableOnThisThread();
    double[] sums = new double[examples.size()];
    int[] counts = new int[examples.size()];
    for (int from = 0; from < examples.size(); from += batchSize) {
      EvalStop.check();
      List<TokenizedExample> part = examples.subList(from, Math.min(examples.size(), from + batchSize));
      ModelInputs.Rows in = inputs.shifted(part);
      long[] positions = in.countedPositions();
      if (positions.length == 0) {
        continue;
      }
      long[] targets = new long[positions.length];
      for (int i = 0; i < positions.length; i++) {
        targets[i] = in.targets()[(int) positions[i]];
      }
      float[] picked;
      try (NDManager scope = model.manager().newSubManager()) {
        NDArray hidden = model.hidden(in.ids(scope), in.mask(scope));
        picked = ChunkedHead.targetLogProbs(model.block(), ChunkedHead.rows(hidden, positions), targets, chunk);
      }
      for (int i = 0; i < positions.length; i++) {
        int example = from + in.exampleAt()[(int) positions[i]];
        sums[example] += in.weights()[(int) positions[i]] * (double) picked[i];
        counts[example]++;
      }
    }
    return new Scores(sums, counts);
  }

  /** Per example, the mean of the top-layer hidden states over its real tokens (no padding). */
  public static double[][] meanHidden(LanguageModel model, ModelInputs inputs, List<TokenizedExample> examples,
      int batchSize) {
    GradMode.disableOnThisThread();
    double[][] out = new double[examples.size()][];
    int d = model.config().hiddenSize();
    for (int from = 0; from < examples.size(); from += batchSize) {
      EvalStop.check();
      List<TokenizedExample> part = examples.subList(from, Math.min(examples.size(), from + batchSize));
      ModelInputs.Rows in = inputs.whole(part);
      int b = part.size();
      float[] pooled;
      try (NDManager scope = model.manager().newSubManager()) {
        NDArray hidden = model.hidden(in.ids(scope), in.mask(scope)); // (R, T, D)
        pooled = pool(hidden, in, b).toFloatArray(); // (B, D)
      }
      for (int i = 0; i < b; i++) {
        double[] row = new double[d];
        for (int k = 0; k < d; k++) {
          row[k] = pooled[i * d + k];
        }
        out[from + i] = row;
      }
    }
    return out;
  }

  /** (B, D): per example, the mean of {@code hidden} (R, T, D) over the positions that hold its tokens. */
  private static NDArray pool(NDArray hidden, ModelInputs.Rows in, int b) {
    NDManager scope = hidden.getManager();
    if (in.batch() == b && in.onePerRow()) {
      // One example per row: a masked mean along each row.
      NDArray weights = in.mask(scope).toDevice(hidden.getDevice(), false).gt(0)
          .toType(DataType.FLOAT32, false).expandDims(-1); // (B, T, 1)
      return hidden.mul(weights).sum(new int[] {1}).div(weights.sum(new int[] {1}).maximum(1f));
    }
    // Several examples in a row: a (B, R·T) membership matrix pools them all in one product.
    int slots = in.exampleAt().length;
    float[] membership = new float[b * slots];
    float[] counts = new float[b];
    for (int p = 0; p < slots; p++) {
      int i = in.exampleAt()[p];
      if (i >= 0) {
        membership[i * slots + p] = 1f;
        counts[i]++;
      }
    }
    NDArray weights = scope.create(membership, new Shape(b, slots)).toDevice(hidden.getDevice(), false);
    NDArray sums = weights.matMul(hidden.reshape(slots, hidden.getShape().get(2))); // (B, D)
    return sums.div(scope.create(counts, new Shape(b, 1)).toDevice(hidden.getDevice(), false).maximum(1f));
  }
}
