package io.skillmix.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.skillmix.data.TokenizedExample;
import io.skillmix.model.SftLoss;
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

  public static Scores score(LanguageModel model, List<TokenizedExample> examples, int batchSize) {
    return score(model, examples, batchSize, ChunkedHead.DEFAULT_CHUNK);
  }

  /**
   * As {@link #score(LanguageModel, List, int)}: only the target positions' hidden states are
   * projected to the vocabulary, {@code chunk} rows at a time.
   */
  public static Scores score(LanguageModel model, List<TokenizedExample> examples, int batchSize, int chunk) {
    GradMode.disableOnThisThread();
    double[] sums = new double[examples.size()];
    int[] counts = new int[examples.size()];
    for (int from = 0; from < examples.size(); from += batchSize) {
      List<TokenizedExample> part = examples.subList(from, Math.min(examples.size(), from + batchSize));
      SftLoss.LossInputs in = SftLoss.shift(part, 0);
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
        Shape shape = new Shape(in.batch(), in.length());
        NDArray hidden = model.hidden(scope.create(in.inputIds(), shape), scope.create(in.attentionMask(), shape));
        picked = ChunkedHead.targetLogProbs(model.block(), ChunkedHead.rows(hidden, positions), targets, chunk);
      }
      for (int i = 0; i < positions.length; i++) {
        int example = from + (int) (positions[i] / in.length());
        sums[example] += in.weights()[(int) positions[i]] * (double) picked[i];
        counts[example]++;
      }
    }
    return new Scores(sums, counts);
  }

  /** Per example, the mean of the top-layer hidden states over its real tokens (no padding). */
  public static double[][] meanHidden(LanguageModel model, List<TokenizedExample> examples, int batchSize) {
    GradMode.disableOnThisThread();
    double[][] out = new double[examples.size()][];
    int d = model.config().hiddenSize();
    for (int from = 0; from < examples.size(); from += batchSize) {
      List<TokenizedExample> part = examples.subList(from, Math.min(examples.size(), from + batchSize));
      int b = part.size();
      int length = part.stream().mapToInt(TokenizedExample::length).max().orElse(1);
      long[] ids = new long[b * length];
      long[] mask = new long[b * length];
      for (int i = 0; i < b; i++) {
        int[] e = part.get(i).ids();
        for (int t = 0; t < e.length; t++) {
          ids[i * length + t] = e[t];
          mask[i * length + t] = 1;
        }
      }
      float[] pooled;
      try (NDManager scope = model.manager().newSubManager()) {
        Shape shape = new Shape(b, length);
        NDArray maskArray = scope.create(mask, shape);
        NDList output = model.forward(scope.create(ids, shape), maskArray, null);
        NDArray weights = maskArray.toType(DataType.FLOAT32, false).expandDims(-1); // (B, T, 1)
        pooled = output.get(1).mul(weights).sum(new int[] {1})
            .div(weights.sum(new int[] {1}).maximum(1f)).toFloatArray(); // (B, D)
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
}
