package io.skillmix.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Greedy and temperature/top-p generation with a KV cache. Prompts of different lengths are
 * left-padded into one batch; the attention mask keeps padding out of every position, and
 * positions count real tokens only, so a prompt generates the same alone and in a batch.
 */
public final class Generator {

  /**
   * @param maxNewTokens upper bound on generated tokens per prompt
   * @param temperature 0 for greedy decoding, else the softmax temperature
   * @param topP nucleus sampling: keep the smallest set of tokens whose probability reaches topP
   * @param stopIds generation of a sequence ends after any of these tokens (empty: never)
   * @param logprobs how many alternatives {@link Generated#logprobs} lists per step; -1 for no
   *     log-probabilities at all
   */
  public record Settings(
      int maxNewTokens, double temperature, double topP, long seed, Set<Integer> stopIds, int logprobs) {

    /** Stops at {@code eosId} (-1: never), no log-probabilities. */
    public Settings(int maxNewTokens, double temperature, double topP, long seed, int eosId) {
      this(maxNewTokens, temperature, topP, seed, eosId < 0 ? Set.of() : Set.of(eosId), -1);
    }

    public static Settings greedy(int maxNewTokens, int eosId) {
      return new Settings(maxNewTokens, 0, 1, 0, eosId);
    }

    public Settings {
      stopIds = Set.copyOf(stopIds);
      if (maxNewTokens < 0 || !(temperature >= 0) || !(topP > 0 && topP <= 1) || logprobs < -1) {
        throw new IllegalArgumentException("bad generation settings " + this);
      }
    }
  }

  /**
   * What one prompt generated.
   *
   * @param ids the generated tokens, ending with the stop token when one was produced
   * @param logprobs one entry per id, or empty when {@link Settings#logprobs} is -1
   * @param stopped whether generation ended on a stop token (not on the token limit)
   */
  public record Generated(int[] ids, List<TokenLogprobs> logprobs, boolean stopped) {}

  /** Hears each token as soon as it is chosen, for streaming. */
  public interface Listener {
    /**
     * @param sequence the prompt's index in the batch
     * @param last whether this is the sequence's final token (a stop token or the limit)
     */
    void onToken(int sequence, int id, boolean last);
  }

  private Generator() {}

  /** Returns, for each prompt, the generated tokens (ending with eos when it was produced). */
  public static int[][] generate(LanguageModel model, int[][] prompts, Settings settings) {
    List<Generated> out = generate(model, prompts, settings, (s, id, last) -> {});
    return out.stream().map(Generated::ids).toArray(int[][]::new);
  }

  /** Generates for every prompt in one batch, telling {@code listener} of each token. */
  public static List<Generated> generate(
      LanguageModel model, int[][] prompts, Settings settings, Listener listener) {
    GradMode.disableOnThisThread();
    int b = prompts.length;
    if (Arrays.stream(prompts).anyMatch(p -> p.length == 0)) {
      throw new IllegalArgumentException("every prompt needs at least one token");
    }
    Batch batch = new Batch(prompts, settings);
    if (b > 0 && settings.maxNewTokens() > 0) {
      batch.run(model, listener);
    }
    return batch.results();
  }

  /** The state of one batch: the growing attention mask and each sequence's output so far. */
  private static final class Batch {
    private final Settings settings;
    private final int b;
    private final int promptLength;
    private final int total;
    private final long[] mask;
    private final long[] first;
    private final int[][] out;
    private final List<List<TokenLogprobs>> logprobs = new ArrayList<>();
    private final int[] produced;
    private final boolean[] stopped;
    private final Random[] random;

    Batch(int[][] prompts, Settings settings) {
      this.settings = settings;
      b = prompts.length;
      promptLength = Arrays.stream(prompts).mapToInt(p -> p.length).max().orElse(0);
      total = promptLength + settings.maxNewTokens();
      mask = new long[b * total];
      first = new long[b * promptLength];
      for (int i = 0; i < b; i++) {
        int pad = promptLength - prompts[i].length;
        for (int j = 0; j < prompts[i].length; j++) {
          first[i * promptLength + pad + j] = prompts[i][j];
          mask[i * total + pad + j] = 1;
        }
        logprobs.add(new ArrayList<>());
      }
      out = new int[b][settings.maxNewTokens()];
      produced = new int[b];
      stopped = new boolean[b];
      // One stream per sequence: what one prompt samples does not depend on when others stop.
      random = new Random[b];
      for (int i = 0; i < b; i++) {
        random[i] = new Random(settings.seed() + 0x9E3779B97F4A7C15L * i);
      }
    }

    void run(LanguageModel model, Listener listener) {
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
          step = choose(last, seen, n == settings.maxNewTokens() - 1, listener);
          if (step == null) {
            return;
          }
          stepLength = 1;
        }
      }
    }

    /** Picks each sequence's next token; null when every sequence has stopped. */
    private long[] choose(float[] logits, int seen, boolean finalStep, Listener listener) {
      int vocab = logits.length / b;
      long[] next = new long[b];
      boolean allDone = true;
      for (int i = 0; i < b; i++) {
        mask[i * total + seen] = 1;
        if (stopped[i]) {
          continue; // a stopped sequence feeds token 0 from now on; nothing reads its outputs
        }
        int token = pick(logits, i * vocab, vocab, settings, random[i]);
        next[i] = token;
        out[i][produced[i]++] = token;
        if (settings.logprobs() >= 0) {
          logprobs.get(i).add(TokenLogprobs.of(logits, i * vocab, vocab, token, settings.logprobs()));
        }
        stopped[i] = settings.stopIds().contains(token);
        listener.onToken(i, token, stopped[i] || finalStep);
        allDone &= stopped[i];
      }
      return allDone ? null : next;
    }

    List<Generated> results() {
      List<Generated> results = new ArrayList<>();
      for (int i = 0; i < b; i++) {
        results.add(new Generated(Arrays.copyOf(out[i], produced[i]), logprobs.get(i), stopped[i]));
      }
      return results;
    }
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
