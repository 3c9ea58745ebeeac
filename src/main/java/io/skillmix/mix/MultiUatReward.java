package io.skillmix.mix;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.skillmix.data.DatasetActor;
import io.skillmix.data.TokenizedExample;
import io.skillmix.model.CausalLM;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelInputs;
import java.util.ArrayList;
import java.util.List;

/**
 * MultiUAT (Wu et al. 2021), as a reward in the MoS framework: R_i = the model's uncertainty on
 * held-out examples of dataset i over K Monte-Carlo dropout passes ({@code mix.multiuat.passes}),
 * measured as {@code mix.multiuat.variant} says ({@link UncertaintyMeasure}; {@code enttp}, the
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
  public Computation start(Context options) {
    return Divided.whole(divided(options));
  }

  /**
   * A dataset's part is its reward. Its dropout masks come from a generator seeded by the run's
   * seed, the snapshot ({@link Models#step()}) and the dataset, so they do not depend on which
   * evaluator of a pool computes it or on the datasets computed before it, and a resumed run draws
   * what the straight run drew.
   */
  @Override
  public Divided divided(Context options) {
    int passCount = options.settings().positiveInt("passes");
    float rate = (float) options.settings().fraction("dropout");
    UncertaintyMeasure measure = UncertaintyMeasure.parse(options.settings().key("variant"),
        options.settings().string("variant"));
    return new Divided() {
      @Override
      public double[] part(Models models, RewardEvaluator.RewardBatches batches, int dataset) {
        Rng rng = new Rng(new Rng(options.seed() ^ (models.step() * 0x9E3779B97F4A7C15L)
            ^ ((dataset + 1L) * 0xC2B2AE3D27D4EB4FL)).nextLong());
        CausalLM.Dropout dropout = (like, shape) -> keepMask(like, shape, rate, rng);
        return new double[] {measure.of(passes(models.theta(), models.inputs(), batches.heldOut().get(dataset),
            passCount, dropout))};
      }

      @Override
      public double[] join(double[][] parts) {
        double[] rewards = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
          rewards[i] = parts[i][0];
        }
        return rewards;
      }
    };
  }

  /**
   * K dropout passes over a batch: per pass, per example, the entropy and the top log-probability
   * of the prediction at each response position. Each pass runs in a scope of its own that closes
   * before the next, so no pass's activations outlive it.
   */
  static List<UncertaintyMeasure.Pass> passes(LanguageModel model, ModelInputs inputs, List<TokenizedExample> batch,
      int k, CausalLM.Dropout dropout) {
    ModelInputs.Rows in = inputs.shifted(batch);
    List<UncertaintyMeasure.Pass> passes = new ArrayList<>(k);
    for (int pass = 0; pass < k; pass++) {
      float[] entropy;
      float[] top;
      try (NDManager scope = model.manager().newSubManager()) {
        // Inputs made in the pass's scope: every intermediate lands there and closes with it.
        NDList out = model.forwardWithDropout(in.ids(scope), in.mask(scope), dropout);
        NDArray logProbs = out.get(0).logSoftmax(-1); // (B, T, V)
        entropy = logProbs.exp().mul(logProbs).sum(new int[] {-1}).neg().toFloatArray(); // (B, T)
        top = logProbs.max(new int[] {-1}).toFloatArray(); // (B, T)
      }
      passes.add(responsePositions(in, batch.size(), entropy, top));
    }
    return passes;
  }

  /** Each example's values at its response positions, in order (examples as {@link ModelInputs.Rows#exampleAt}). */
  private static UncertaintyMeasure.Pass responsePositions(ModelInputs.Rows in, int examples, float[] entropy,
      float[] top) {
    int[] count = new int[examples];
    for (int p = 0; p < in.weights().length; p++) {
      if (in.weights()[p] != 0) {
        count[in.exampleAt()[p]]++;
      }
    }
    List<double[]> h = new ArrayList<>(examples);
    List<double[]> m = new ArrayList<>(examples);
    for (int e = 0; e < examples; e++) {
      h.add(new double[count[e]]);
      m.add(new double[count[e]]);
    }
    int[] filled = new int[examples];
    for (int p = 0; p < in.weights().length; p++) {
      if (in.weights()[p] != 0) {
        int e = in.exampleAt()[p];
        h.get(e)[filled[e]] = entropy[p];
        m.get(e)[filled[e]++] = top[p];
      }
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
