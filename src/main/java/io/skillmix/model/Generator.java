package io.skillmix.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Random;

/**
 * Greedy and temperature/top-p generation with a KV cache. Prompts of different lengths are
 * left-padded into one batch; the attention mask keeps padding out of every position.
 */
public final class Generator {

  /**
   * @param maxNewTokens upper bound on generated tokens per prompt
   * @param temperature 0 for greedy decoding, else the softmax temperature
   * @param topP nucleus sampling: keep the smallest set of tokens whose probability reaches topP
   * @param eosId generation of a sequence ends after this token (-1: never)
   */
  public record Settings(int maxNewTokens, double temperature, double topP, long seed, int eosId) {

    public static Settings greedy(int maxNewTokens, int eosId) {
      return new Settings(maxNewTokens, 0, 1, 0, eosId);
    }

    public Settings {
      if (maxNewTokens < 0 || temperature < 0 || !(topP > 0 && topP <= 1)) {
        throw new IllegalArgumentException("bad generation settings " + this);
      }
    }
  }

  private Generator() {}

  /** Returns, for each prompt, the generated tokens (ending with eos when it was produced). */
  public static int[][] generate(LanguageModel model, int[][] prompts, Settings settings) {
    GradMode.disableOnThisThread();
    int b = prompts.length;
    int promptLength = Arrays.stream(prompts).mapToInt(p -> p.length).max().orElse(0);
    if (b == 0 || settings.maxNewTokens() == 0) {
      return new int[b][0];
    }
    if (Arrays.stream(prompts).anyMatch(p -> p.length == 0)) {
      throw new IllegalArgumentException("every prompt needs at least one token");
    }
    int total = promptLength + settings.maxNewTokens();
    long[] mask = new long[b * total];
    long[] first = new long[b * promptLength];
    for (int i = 0; i < b; i++) {
      int pad = promptLength - prompts[i].length;
      for (int j = 0; j < prompts[i].length; j++) {
        first[i * promptLength + pad + j] = prompts[i][j];
        mask[i * total + pad + j] = 1;
      }
    }
    Random random = new Random(settings.seed());
    int[][] out = new int[b][settings.maxNewTokens()];
    int[] produced = new int[b];
    boolean[] done = new boolean[b];

    try (KvCache cache = new KvCache(model.manager(), model.config().numLayers())) {
      long[] step = first;
      int stepLength = promptLength;
      for (int n = 0; n < settings.maxNewTokens(); n++) {
        int seen = promptLength + n;
        float[] last;
        try (NDManager scope = model.manager().newSubManager()) {
          NDArray ids = scope.create(step, new Shape(b, stepLength));
          NDArray attention = scope.create(sliceColumns(mask, b, total, seen), new Shape(b, seen));
          NDList output = model.forward(ids, attention, cache);
          last = output.get(0).get(":, -1, :").toFloatArray(); // (B, V)
        }
        int vocab = last.length / b;
        long[] next = new long[b];
        boolean allDone = true;
        for (int i = 0; i < b; i++) {
          int token = pick(last, i * vocab, vocab, settings, random);
          next[i] = token;
          mask[i * total + seen] = 1;
          if (!done[i]) {
            out[i][produced[i]++] = token;
            done[i] = token == settings.eosId();
          }
          allDone &= done[i];
        }
        if (allDone) {
          break;
        }
        step = next;
        stepLength = 1;
      }
    }
    int[][] result = new int[b][];
    for (int i = 0; i < b; i++) {
      result[i] = Arrays.copyOf(out[i], produced[i]);
    }
    return result;
  }

  private static long[] sliceColumns(long[] matrix, int rows, int columns, int keep) {
    long[] out = new long[rows * keep];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(matrix, r * columns, out, r * keep, keep);
    }
    return out;
  }

  static int pick(float[] logits, int offset, int vocab, Settings settings, Random random) {
    if (settings.temperature() == 0) {
      int best = 0;
      for (int v = 1; v < vocab; v++) {
        if (logits[offset + v] > logits[offset + best]) {
          best = v;
        }
      }
      return best;
    }
    double max = Double.NEGATIVE_INFINITY;
    for (int v = 0; v < vocab; v++) {
      max = Math.max(max, logits[offset + v]);
    }
    double[] p = new double[vocab];
    double sum = 0;
    for (int v = 0; v < vocab; v++) {
      p[v] = Math.exp((logits[offset + v] - max) / settings.temperature());
      sum += p[v];
    }
    Integer[] order = new Integer[vocab];
    for (int v = 0; v < vocab; v++) {
      order[v] = v;
      p[v] /= sum;
    }
    Arrays.sort(order, (a, c) -> Double.compare(p[c], p[a]));
    double kept = 0;
    int cut = 0;
    while (cut < vocab && kept < settings.topP()) {
      kept += p[order[cut++]];
    }
    double u = random.nextDouble() * kept;
    for (int i = 0; i < cut; i++) {
      u -= p[order[i]];
      if (u <= 0) {
        return order[i];
      }
    }
    return order[cut - 1];
  }
}
