package io.skillmix.mix;

import ai.djl.Device;
import io.skillmix.data.TokenizedExample;
import io.skillmix.eval.LogLikelihood;
import io.skillmix.model.Devices;
import io.skillmix.model.GradMode;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelConfig;
import io.skillmix.model.ParameterSnapshot;
import io.skillmix.run.RunSettings;
import java.util.List;

/**
 * The model side of the MoS rewards, on the evaluator's device: a replica of θ refreshed from
 * each snapshot and, for Diff, the frozen starting weights θ0.
 *
 * <ul>
 *   <li>{@code cossim}: e_i = mean over the reward batch of each example's mean top-layer hidden
 *       state (real tokens only); R_i = (1/N) Σ_j cos(e_i, e_j), or cos(e_i, e_target) for MoSpec.
 *   <li>{@code diff}: R_i = mean over examples of PPL_θ(x) / PPL_θ0(x) on response tokens; MoSpec
 *       doubles the target's reward.
 * </ul>
 */
public final class ModelRewards implements RewardEvaluator.RewardModel {

  private static final int FORWARD_BATCH = 16;

  private final String reward;
  private final int specialist;
  private final LanguageModel replica;
  private LanguageModel reference;

  private ModelRewards(String reward, int specialist, LanguageModel replica) {
    this.reward = reward;
    this.specialist = specialist;
    this.replica = replica;
  }

  /** @param specialist index of the MoSpec target dataset, or -1 */
  public static ModelRewards create(RunSettings run, ModelConfig config, int specialist) {
    Device device = Devices.parse("devices.evaluator", run.evaluatorDevice());
    String reward = run.mix().reward();
    if (!run.mix().method().equals("mos")) {
      throw new io.skillmix.UserError("mix.method = " + run.mix().method()
          + " is not available in this build yet; use mos, prop, temp or uni");
    }
    return new ModelRewards(reward, specialist, LanguageModel.random(config, device, 0));
  }

  @Override
  public void setReference(ParameterSnapshot theta0) {
    replica.importWeights(theta0.weights());
    if (reward.equals("diff")) {
      reference = LanguageModel.random(replica.config(), replica.device(), 0);
      reference.importWeights(theta0.weights());
    }
  }

  @Override
  public double[] rewards(ParameterSnapshot snapshot, List<List<TokenizedExample>> batches) {
    GradMode.disableOnThisThread();
    replica.importWeights(snapshot.weights());
    int n = batches.size();
    if (reward.equals("cossim")) {
      double[][] embeddings = new double[n][];
      for (int i = 0; i < n; i++) {
        embeddings[i] = mean(LogLikelihood.meanHidden(replica, batches.get(i), FORWARD_BATCH));
      }
      return specialist >= 0
          ? CosSimReward.computeSpecialist(embeddings, specialist)
          : CosSimReward.compute(embeddings);
    }
    double[][] ratios = new double[n][];
    for (int i = 0; i < n; i++) {
      LogLikelihood.Scores now = LogLikelihood.score(replica, batches.get(i), FORWARD_BATCH);
      LogLikelihood.Scores start = LogLikelihood.score(reference, batches.get(i), FORWARD_BATCH);
      ratios[i] = new double[batches.get(i).size()];
      for (int k = 0; k < ratios[i].length; k++) {
        ratios[i][k] = DiffReward.perplexityRatio(now.meanNll(k), start.meanNll(k));
      }
    }
    return specialist >= 0 ? DiffReward.computeSpecialist(ratios, specialist) : DiffReward.compute(ratios);
  }

  private static double[] mean(double[][] rows) {
    double[] out = new double[rows[0].length];
    for (double[] row : rows) {
      for (int d = 0; d < out.length; d++) {
        out[d] += row[d] / rows.length;
      }
    }
    return out;
  }

  @Override
  public void close() {
    replica.close();
    if (reference != null) {
      reference.close();
    }
  }
}
