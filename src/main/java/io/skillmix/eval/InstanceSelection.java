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
import java.util.Comparator;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Instruction-Following Difficulty (Li et al. 2023; the MoS paper's §5): how much the instruction
 * helps the model produce the response. IFD = mean NLL of the response given the instruction ÷
 * mean NLL of the response alone; a high score marks an example the model cannot yet follow.
 */
public final class InstanceSelection {

  private InstanceSelection() {}

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

  /**
   * The {@code keep} share of examples with the highest scores, rounded up (at least one), in
   * their original order; equal scores keep the earlier example.
   */
  public static List<Conversation> keepTop(List<Conversation> examples, double[] scores, double keep) {
    if (!(keep > 0 && keep <= 1)) {
      throw new UserError("--keep " + keep + " must be in (0, 1]");
    }
    int n = (int) Math.ceil(keep * examples.size());
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
