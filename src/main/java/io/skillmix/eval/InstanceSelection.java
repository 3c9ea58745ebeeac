package io.skillmix.eval;

import io.skillmix.UserError;
import io.skillmix.data.Conversation;
import io.skillmix.data.Role;
import io.skillmix.data.TokenizedExample;
import io.skillmix.data.Turn;
import io.skillmix.data.tokenizer.ChatTemplate;
import io.skillmix.data.tokenizer.ExampleEncoder;
import io.skillmix.data.tokenizer.Tokenizer;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelInputs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.IntConsumer;

/**
 * Instruction-Following Difficulty (Li et al. 2023; the MoS paper's §5): how much the instruction
 * helps the model produce the response. IFD = mean NLL of the response given the instruction ÷
 * mean NLL of the response alone; a high score marks an example the model cannot yet follow.
 *
 * <p>As Cherry LLM's {@code data_by_IFD.py}: an example with IFD > 1 (its instruction makes the
 * response <em>harder</em> to predict, so instruction and response do not fit) is dropped before
 * ranking, and the kept share is taken of the examples that remain.
 */
public final class InstanceSelection {

  /** Li et al.'s threshold: an example whose IFD is above it is dropped before ranking. */
  public static final double MAX_IFD = 1.0;

  private InstanceSelection() {}

  /**
   * How many examples a selection keeps: a share of the pool ({@code --keep}, rounded up, at least
   * one) or a count ({@code --count}, at most the pool), as Cherry LLM's sample_rate and
   * sample_number.
   */
  public record Size(double keep, int count) {

    public static Size share(double keep) {
      if (!(keep > 0 && keep <= 1)) {
        throw new UserError("--keep " + keep + " must be in (0, 1]");
      }
      return new Size(keep, 0);
    }

    public static Size count(int count) {
      if (count < 1) {
        throw new UserError("--count " + count + " must be at least 1");
      }
      return new Size(0, count);
    }

    /** The number kept of a pool of {@code pool} examples. */
    public int of(int pool) {
      if (pool == 0) {
        return 0;
      }
      return count > 0 ? Math.min(count, pool) : (int) Math.min(pool, Math.max(1, Math.ceil(keep * pool)));
    }
  }

  /**
   * @param kept the selected examples, in their input order
   * @param examples how many the input held
   * @param aboveMax how many have IFD > {@link #MAX_IFD} (dropped when the filter is on)
   * @param pool how many the size was taken of: the input less the dropped ones
   */
  public record Selection(List<Conversation> kept, int examples, int aboveMax, int pool) {}

  /** How many scores are above {@link #MAX_IFD}. */
  public static int aboveMax(double[] scores) {
    int n = 0;
    for (double s : scores) {
      if (s > MAX_IFD) {
        n++;
      }
    }
    return n;
  }

  /**
   * Drops the examples with IFD > 1 when {@code filter} is on, then keeps the highest scores of
   * the rest, in their input order (equal scores keep the earlier example).
   */
  public static Selection byIfd(List<Conversation> examples, double[] scores, Size size, boolean filter) {
    List<Conversation> pool = new ArrayList<>(examples.size());
    List<Double> poolScores = new ArrayList<>(examples.size());
    for (int i = 0; i < examples.size(); i++) {
      if (!filter || !(scores[i] > MAX_IFD)) {
        pool.add(examples.get(i));
        poolScores.add(scores[i]);
      }
    }
    int n = size.of(pool.size());
    double[] kept = poolScores.stream().mapToDouble(Double::doubleValue).toArray();
    return new Selection(top(pool, kept, n), examples.size(), aboveMax(scores), pool.size());
  }

  /**
   * The random baseline of the paper's Table 4: {@code n} examples drawn uniformly without
   * replacement from all of {@code examples} with a seeded generator, in their input order.
   */
  public static List<Conversation> random(List<Conversation> examples, int n, long seed) {
    List<Integer> order = new ArrayList<>(examples.size());
    for (int i = 0; i < examples.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(seed));
    List<Integer> chosen = new ArrayList<>(order.subList(0, Math.min(n, order.size())));
    Collections.sort(chosen);
    return chosen.stream().map(examples::get).toList();
  }

  /**
   * @param encoder template, tokenizer and length limit: both forms of an example are cut to it
   *     as a training example is (every example is scored, so none is left out)
   * @param progress told how many examples were scored after each batch (may be null)
   * @return one IFD per example
   */
  public static double[] ifd(LanguageModel model, ModelInputs inputs, ExampleEncoder encoder,
      List<Conversation> examples, int batchSize, IntConsumer progress) {
    double[] scores = new double[examples.size()];
    Tokenizer tokenizer = encoder.tokenizer();
    ChatTemplate template = encoder.template();
    int[] endOfTurn = template.endOfTurnIds(tokenizer);
    for (int from = 0; from < examples.size(); from += batchSize) {
      List<Conversation> part = examples.subList(from, Math.min(examples.size(), from + batchSize));
      List<TokenizedExample> withInstruction = new ArrayList<>();
      List<TokenizedExample> alone = new ArrayList<>();
      for (Conversation c : part) {
        withInstruction.add(encoder.cut(template.encode(c, tokenizer)));
        alone.add(encoder.cut(responseAlone(c, tokenizer, endOfTurn)));
      }
      LogLikelihood.Scores conditioned = LogLikelihood.score(model, inputs, withInstruction, batchSize);
      LogLikelihood.Scores unconditioned = LogLikelihood.score(model, inputs, alone, batchSize);
      for (int i = 0; i < part.size(); i++) {
        double denominator = unconditioned.meanNll(i);
        scores[from + i] = denominator > 0 ? conditioned.meanNll(i) / denominator : 0;
      }
      if (progress != null) {
        progress.accept(part.size());
      }
    }
    return scores;
  }

  /** Every response of the conversation, each closed by its end-of-turn token, without any prompt. */
  static TokenizedExample responseAlone(Conversation c, Tokenizer tokenizer, int[] endOfTurn) {
    List<Integer> ids = new ArrayList<>();
    for (Turn turn : c.turns()) {
      if (turn.role() == Role.ASSISTANT) {
        for (int id : tokenizer.encode(turn.text())) {
          ids.add(id);
        }
        for (int id : endOfTurn) {
          ids.add(id);
        }
      }
    }
    int[] array = ids.stream().mapToInt(Integer::intValue).toArray();
    boolean[] target = new boolean[array.length];
    Arrays.fill(target, true); // the first token has no context and never counts (see TokenizedExample)
    return new TokenizedExample(array, target);
  }

  /** The {@code n} examples with the highest scores, in input order; equal scores keep the earlier. */
  private static List<Conversation> top(List<Conversation> examples, double[] scores, int n) {
    Integer[] order = new Integer[examples.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -scores[i]).thenComparingInt(i -> i));
    boolean[] kept = new boolean[examples.size()];
    for (int i = 0; i < n; i++) {
      kept[order[i]] = true;
    }
    List<Conversation> out = new ArrayList<>(n);
    for (int i = 0; i < examples.size(); i++) {
      if (kept[i]) {
        out.add(examples.get(i));
      }
    }
    return out;
  }
}
