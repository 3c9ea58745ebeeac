package io.skillmix.mix;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.skillmix.data.DatasetActor;
import io.skillmix.data.TokenizedExample;
import io.skillmix.model.SftLoss;
import io.skillmix.model.CausalLM;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelInputs;
import java.util.List;

/**
 * MultiUAT (Wu et al. 2021), as a reward in the MoS framework: R_i = mean over held-out examples of
 * dataset i of the model's predictive entropy, the prediction being the average of K Monte-Carlo
 * dropout passes. Uncertain datasets get more.
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
    return (models, batches) -> {
      List<List<TokenizedExample>> heldOut = batches.heldOut();
      double[][] entropies = new double[heldOut.size()][];
      for (int i = 0; i < heldOut.size(); i++) {
        entropies[i] = predictiveEntropy(models.theta(), models.inputs(), heldOut.get(i), options.dropoutPasses(), dropout);
      }
      return compute(entropies);
    };
  }

  /** @param entropies per dataset, per example mean predictive entropy over the K passes */
  public static double[] compute(double[][] entropies) {
    return RewardChecks.rowMeans("MultiUAT entropies", entropies);
  }

  /**
   * Per example: mean over response positions of H(mean over K dropout passes of p(·|x<t)).
   * Each pass runs in a scope of its own that closes before the next, so only the running mean of
   * the probabilities outlives a pass (keeping every pass's activations to the end took gigabytes).
   */
  private static double[] predictiveEntropy(LanguageModel model, ModelInputs inputs, List<TokenizedExample> batch,
      int k, CausalLM.Dropout dropout) {
    ModelInputs.Rows in = inputs.shifted(batch);
    float[] entropy;
    try (NDManager scope = model.manager().newSubManager()) {
      NDArray meanProbs = null;
      for (int pass = 0; pass < k; pass++) {
        try (NDManager passScope = scope.newSubManager()) {
          // Inputs made in the pass's scope: every intermediate lands there and closes with it.
          NDArray probs = model.forwardWithDropout(in.ids(passScope), in.mask(passScope), dropout).get(0).softmax(-1).div(k);
          if (meanProbs == null) {
            meanProbs = scope.zeros(probs.getShape(), probs.getDataType(), probs.getDevice());
          }
          meanProbs.addi(probs);
        }
      }
      entropy = meanProbs.mul(meanProbs.add(1e-12f).log()).sum(new int[] {-1}).neg().toFloatArray(); // (B, T)
    }
    double[] sums = new double[batch.size()];
    int[] counts = new int[batch.size()];
    for (int p = 0; p < in.weights().length; p++) {
      if (in.weights()[p] != 0) {
        sums[in.exampleAt()[p]] += entropy[p];
        counts[in.exampleAt()[p]]++;
      }
    }
    double[] perExample = new double[batch.size()];
    for (int i = 0; i < perExample.length; i++) {
      perExample[i] = counts[i] == 0 ? 0 : sums[i] / counts[i];
    }
    return perExample;
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
