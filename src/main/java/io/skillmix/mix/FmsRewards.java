package io.skillmix.mix;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.skillmix.data.DatasetActor;
import io.skillmix.data.TokenizedExample;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelInputs;
import java.util.List;

/**
 * The rewards of IBM's fms ODM that its evaluation computes (fms-acceleration, plugin
 * online-data-mixing, {@code odm/reward.py}), over held-out examples of each dataset: one value per
 * dataset, the mean over its examples (the code sums each batch's per-sequence values and divides by
 * the examples counted). Higher means "sample more".
 *
 * <ul>
 *   <li>{@code entropy}: per sequence, the token entropy H of the model's prediction at every
 *       position whose next token is real (the attention mask from the second token on; the template
 *       and instruction too, not only the response), averaged, divided by ln V and clamped to [0, 1].
 *   <li>{@code entropy3_varent1}: 0.75 · that + 0.25 · the varentropy (Σ p (log p)² − H²) averaged
 *       the same way, divided by (ln V)² and clamped.
 *   <li>{@code entropy_last_token}: H / ln V at the sequence's last prediction, clamped. The code
 *       takes the last column of the padded batch ({@code entropy[:, -1]}), which for a right-padded
 *       sequence is a padding position; here it is each sequence's own last position.
 *   <li>{@code validation_loss}: the dataset's held-out loss (its mean response-token NLL).
 * </ul>
 * V is the model's vocabulary size, or {@code vocabSize} when given: the code hard-codes 32000.
 */
final class FmsRewards implements Reward {

  private final String measure;
  private final int vocabSize;

  /**
   * @param measure one of entropy, entropy3_varent1, entropy_last_token, validation_loss
   * @param vocabSize V of the normalisation, or 0 for the model's
   */
  FmsRewards(String measure, int vocabSize) {
    this.measure = measure;
    this.vocabSize = vocabSize;
  }

  @Override
  public String name() {
    return "fms-" + measure;
  }

  @Override
  public List<DatasetActor.StreamKind> streams() {
    return List.of(DatasetActor.StreamKind.HELD_OUT);
  }

  @Override
  public Computation start(Context context) {
    if (measure.equals("validation_loss")) {
      return new HeldOutLossReward().start(context);
    }
    return (models, batches) -> {
      List<List<TokenizedExample>> heldOut = batches.heldOut();
      double[] r = new double[heldOut.size()];
      for (int i = 0; i < r.length; i++) {
        r[i] = meanEntropyReward(models.theta(), models.inputs(), heldOut.get(i));
      }
      return r;
    };
  }

  /** The mean over {@code examples} of their per-sequence reward, forward passes of {@link #FORWARD_BATCH}. */
  private double meanEntropyReward(LanguageModel model, ModelInputs inputs, List<TokenizedExample> examples) {
    double v = vocabSize > 0 ? vocabSize : model.config().vocabSize();
    double logV = Math.log(v);
    double sum = 0;
    List<TokenizedExample> everyToken = DiffTokens.SEQUENCE.scored(examples);
    for (int from = 0; from < everyToken.size(); from += FORWARD_BATCH) {
      List<TokenizedExample> batch = everyToken.subList(from, Math.min(everyToken.size(), from + FORWARD_BATCH));
      ModelInputs.Rows in = inputs.shifted(batch);
      float[] entropy;
      float[] squared;
      try (NDManager scope = model.manager().newSubManager()) {
        NDList out = model.forward(in.ids(scope), in.mask(scope), null);
        NDArray logProbs = out.get(0).logSoftmax(-1); // (B, T, V)
        NDArray probs = logProbs.exp();
        entropy = probs.mul(logProbs).sum(new int[] {-1}).neg().toFloatArray(); // (B, T)
        squared = probs.mul(logProbs.square()).sum(new int[] {-1}).toFloatArray(); // (B, T): Σ p (log p)²
      }
      sum += batchSum(in, batch.size(), entropy, squared, logV);
    }
    return examples.isEmpty() ? Double.NaN : sum / examples.size();
  }

  /** Σ over the batch's sequences of their reward, from each position's H and Σ p (log p)². */
  private double batchSum(ModelInputs.Rows in, int examples, float[] entropy, float[] squared, double logV) {
    double[] h = new double[examples];
    double[] varent = new double[examples];
    double[] lastH = new double[examples];
    int[] count = new int[examples];
    for (int pos = 0; pos < in.weights().length; pos++) {
      if (in.weights()[pos] != 0) {
        int e = in.exampleAt()[pos];
        h[e] += entropy[pos];
        varent[e] += squared[pos] - (double) entropy[pos] * entropy[pos];
        lastH[e] = entropy[pos]; // positions come in order: the last one stays
        count[e]++;
      }
    }
    double sum = 0;
    for (int e = 0; e < examples; e++) {
      double meanH = count[e] == 0 ? 0 : h[e] / count[e];
      double meanVarent = count[e] == 0 ? 0 : varent[e] / count[e];
      double ent = clamp(meanH / logV);
      sum += switch (measure) {
        case "entropy" -> ent;
        case "entropy3_varent1" -> 0.75 * ent + 0.25 * clamp(meanVarent / (logV * logV));
        default -> clamp(lastH[e] / logV);
      };
    }
    return sum;
  }

  private static double clamp(double x) {
    return Math.min(1, Math.max(0, x));
  }
}
