package io.skillmix.mix;

import io.skillmix.data.DatasetActor;
import io.skillmix.data.TokenizedExample;
import io.skillmix.eval.LogLikelihood;
import java.util.List;

/**
 * Difficulty (MoS Eq. 10): R_i = mean over examples x of PPL_θ(x) / PPL_θ0(x), perplexity over
 * response tokens (the paper's wording) or, with {@code mix.diff.tokens = sequence}, over every
 * token as the official code counts them ({@link DiffTokens}). A high ratio: the dataset has
 * improved little and needs more training. MoSpec doubles the target dataset's reward.
 */
public final class DiffReward implements Reward {

  @Override
  public String name() {
    return "diff";
  }

  @Override
  public List<DatasetActor.StreamKind> streams() {
    return List.of(DatasetActor.StreamKind.REWARD);
  }

  @Override
  public boolean usesStart() {
    return true;
  }

  @Override
  public Computation start(Context options) {
    return Divided.whole(divided(options));
  }

  /** A dataset's part is its examples' perplexity ratios; the join takes their means. */
  @Override
  public Divided divided(Context options) {
    DiffTokens tokens = DiffTokens.parse(options.settings().key("tokens"), options.settings().string("tokens"));
    return new Divided() {
      @Override
      public double[] part(Models models, RewardEvaluator.RewardBatches batches, int dataset) {
        List<TokenizedExample> scored = tokens.scored(batches.train().get(dataset));
        LogLikelihood.Scores now = LogLikelihood.score(models.theta(), models.inputs(), scored, FORWARD_BATCH);
        LogLikelihood.Scores start = LogLikelihood.score(models.start(), models.inputs(), scored, FORWARD_BATCH);
        double[] ratios = new double[scored.size()];
        for (int k = 0; k < ratios.length; k++) {
          ratios[k] = perplexityRatio(now.meanNll(k), start.meanNll(k));
        }
        return ratios;
      }

      @Override
      public double[] join(double[][] ratios) {
        return options.specialist() >= 0 ? computeSpecialist(ratios, options.specialist()) : compute(ratios);
      }
    };
  }

  /** @param ratios per dataset, per example PPL_θ(x) / PPL_θ0(x) */
  public static double[] compute(double[][] ratios) {
    return RewardChecks.rowMeans("Diff ratios", ratios);
  }

  public static double[] computeSpecialist(double[][] ratios, int target) {
    RewardChecks.target(target, ratios.length);
    double[] r = compute(ratios);
    r[target] *= 2;
    return r;
  }

  /** exp(mean NLL under θ − mean NLL under θ0) = PPL_θ / PPL_θ0 (NLL in nats per scored token). */
  public static double perplexityRatio(double meanNllTheta, double meanNllTheta0) {
    return Math.exp(meanNllTheta - meanNllTheta0);
  }
}
