package io.skillmix.mix;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.skillmix.data.DatasetActor;
import io.skillmix.data.TokenizedExample;
import io.skillmix.model.CausalLM;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.SftLoss;
import java.util.ArrayList;
import java.util.List;

/**
 * MultiUAT (Wu et al. 2021), as a reward in the MoS framework: R_i = the model's uncertainty on
 * held-out examples of dataset i over K Monte-Carlo dropout passes ({@code mix.multiuat-passes}),
 * measured as {@code mix.multiuat-variant} says ({@link UncertaintyMeasure}; {@code enttp}, the
 * official default, is the mean entropy of each pass's prediction). Dropout falls on every layer's
 * attention and MLP outputs before the residual add ({@link CausalLM.Dropout}). Uncertain datasets
 * get more.
 */
public final class MultiUatReward implements Reward {

  @Override
  public String name() {
    return "multiuat";
  }

  @Override
  public List<DatasetActor.StreamKind> streams() {
    return List.of(DatasetActor.StreamKind.HELD_OUT);
  }

  @Override
  public Computation start(Options options) {
    Rng dropoutRng = new Rng(options.seed());
    float rate = (float) options.dropoutRate();
    CausalLM.Dropout dropout = (like, shape) -> keepMask(like, shape, rate, dropoutRng);
    UncertaintyMeasure measure = options.uncertainty();
    return (models, batches) -> {
      List<List<TokenizedExample>> heldOut = batches.heldOut();
      double[] rewards = new double[heldOut.size()];
      for (int i = 0; i < heldOut.size(); i++) {
        rewards[i] = measure.of(passes(models.theta(), heldOut.get(i), options.dropoutPasses(), dropout));
      }
      return rewards;
    };
  }

  /**
   * K dropout passes over a batch: per pass, per example, the entropy and the top log-probability
   * of the prediction at each response position. Each pass runs in a scope of its own that closes
   * before the next, so no pass's activations outlive it.
   */
  static List<UncertaintyMeasure.Pass> passes(LanguageModel model, List<TokenizedExample> batch, int k,
      CausalLM.Dropout dropout) {
    SftLoss.LossInputs in = SftLoss.shift(batch, 0);
    Shape shape = new Shape(in.batch(), in.length());
    List<UncertaintyMeasure.Pass> passes = new ArrayList<>(k);
    for (int pass = 0; pass < k; pass++) {
      float[] entropy;
      float[] top;
      try (NDManager scope = model.manager().newSubManager()) {
        // Inputs made in the pass's scope: every intermediate lands there and closes with it.
        NDList out = model.forwardWithDropout(scope.create(in.inputIds(), shape),
            scope.create(in.attentionMask(), shape), dropout);
        NDArray logProbs = out.get(0).logSoftmax(-1); // (B, T, V)
        entropy = logProbs.exp().mul(logProbs).sum(new int[] {-1}).neg().toFloatArray(); // (B, T)
        top = logProbs.max(new int[] {-1}).toFloatArray(); // (B, T)
      }
      passes.add(responsePositions(in, entropy, top));
    }
    return passes;
  }

  private static UncertaintyMeasure.Pass responsePositions(SftLoss.LossInputs in, float[] entropy, float[] top) {
    List<double[]> h = new ArrayList<>(in.batch());
    List<double[]> m = new ArrayList<>(in.batch());
    for (int b = 0; b < in.batch(); b++) {
      int count = 0;
      for (int t = 0; t < in.length(); t++) {
        if (in.weights()[b * in.length() + t] != 0) {
          count++;
        }
      }
      double[] hb = new double[count];
      double[] mb = new double[count];
      int j = 0;
      for (int t = 0; t < in.length(); t++) {
        int at = b * in.length() + t;
        if (in.weights()[at] != 0) {
          hb[j] = entropy[at];
          mb[j++] = top[at];
        }
      }
      h.add(hb);
      m.add(mb);
    }
    return new UncertaintyMeasure.Pass(h, m);
  }

  /** Drawn on the host from a seeded generator, so rewards repeat exactly for a seed. */
  private static NDArray keepMask(NDArray like, Shape shape, float rate, Rng rng) {
    float[] values = new float[Math.toIntExact(shape.size())];
    float keep = 1f / (1f - rate);
    for (int i = 0; i < values.length; i++) {
      values[i] = rng.nextDouble() < rate ? 0f : keep;
    }
    return like.getManager().create(values, shape).toDevice(like.getDevice(), false);
  }
}
