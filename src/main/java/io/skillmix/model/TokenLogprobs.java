package io.skillmix.model;

import java.util.List;

/**
 * The log-probability of one generated token and of the most likely alternatives at its step, as
 * OpenAI-style APIs report them. Log-probabilities are of the model's own distribution
 * (log-softmax of the logits, before temperature and top-p): they score the text, whatever
 * sampling chose it, and equal what a forward pass over the finished text gives.
 *
 * @param top the {@code k} most likely tokens of the step, most likely first
 */
public record TokenLogprobs(int id, double logprob, List<Alternative> top) {

  public TokenLogprobs {
    top = List.copyOf(top);
  }

  /** One of the most likely tokens at a step. */
  public record Alternative(int id, double logprob) {}

  /** The entry for {@code id} from one row of logits; {@code k} alternatives. */
  static TokenLogprobs of(float[] logits, int offset, int vocab, int id, int k) {
    double max = Double.NEGATIVE_INFINITY;
    for (int v = 0; v < vocab; v++) {
      max = Math.max(max, logits[offset + v]);
    }
    double sum = 0;
    for (int v = 0; v < vocab; v++) {
      sum += Math.exp(logits[offset + v] - max);
    }
    double logZ = max + Math.log(sum);
    int[] best = topIds(logits, offset, vocab, Math.min(k, vocab));
    Alternative[] top = new Alternative[best.length];
    for (int i = 0; i < best.length; i++) {
      top[i] = new Alternative(best[i], logits[offset + best[i]] - logZ);
    }
    return new TokenLogprobs(id, logits[offset + id] - logZ, List.of(top));
  }

  /** The {@code k} largest entries, largest first; ties go to the smaller id, as argmax does. */
  private static int[] topIds(float[] logits, int offset, int vocab, int k) {
    int[] best = new int[k];
    int size = 0;
    for (int v = 0; v < vocab; v++) {
      float x = logits[offset + v];
      if (size == k && !(x > logits[offset + best[k - 1]])) {
        continue;
      }
      int i = size < k ? size++ : k - 1;
      while (i > 0 && x > logits[offset + best[i - 1]]) {
        best[i] = best[i - 1];
        i--;
      }
      best[i] = v;
    }
    return best;
  }
}
