package io.skillmix.mix;

import io.skillmix.data.DatasetActor;
import io.skillmix.data.TokenizedExample;
import io.skillmix.eval.LogLikelihood;
import java.util.List;

/**
 * Transferability (MoS Eq. 7–8): R_i = (1/N) Σ_j cos(e_i, e_j), the sum including j = i, where
 * e_i is dataset i's embedding: the mean over its reward batch of each example's mean-pooled
 * top-layer hidden state (real tokens only). A dataset close to the others transfers to them and
 * gets more weight. MoSpec: R_i = cos(e_i, e_target).
 */
public final class CosSimReward implements Reward {

  @Override
  public String name() {
    return "cossim";
  }

  @Override
  public List<DatasetActor.StreamKind> streams() {
    return List.of(DatasetActor.StreamKind.REWARD);
  }

  @Override
  public int defaultBatchSize() {
    return 64; // the official code's
  }

  @Override
  public Computation start(Context options) {
    return Divided.whole(divided(options));
  }

  /** A dataset's part is its embedding e_i; the join takes the cosines. */
  @Override
  public Divided divided(Context options) {
    return new Divided() {
      @Override
      public double[] part(Models models, RewardEvaluator.RewardBatches batches, int dataset) {
        List<TokenizedExample> train = batches.train().get(dataset);
        return mean(LogLikelihood.meanHidden(models.theta(), models.inputs(), train, FORWARD_BATCH));
      }

      @Override
      public double[] join(double[][] embeddings) {
        return options.specialist() >= 0 ? computeSpecialist(embeddings, options.specialist()) : compute(embeddings);
      }
    };
  }

  /** @param embeddings e_i, N × D */
  public static double[] compute(double[][] embeddings) {
    int n = embeddings.length;
    RewardChecks.sameWidth("CosSim embeddings", n, i -> embeddings[i].length);
    double[] r = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        r[i] += cosine(embeddings[i], embeddings[j]);
      }
      r[i] /= n;
    }
    return r;
  }

  /** MoSpec: R_i = cos(e_i, e_target), so the target itself gets 1. */
  public static double[] computeSpecialist(double[][] embeddings, int target) {
    RewardChecks.sameWidth("CosSim embeddings", embeddings.length, i -> embeddings[i].length);
    RewardChecks.target(target, embeddings.length);
    double[] r = new double[embeddings.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = cosine(embeddings[i], embeddings[target]);
    }
    return r;
  }

  /** a·b / (|a| |b|); 0 when either is the zero vector (it has no direction). */
  public static double cosine(double[] a, double[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int d = 0; d < a.length; d++) {
      dot += a[d] * b[d];
      na += a[d] * a[d];
      nb += b[d] * b[d];
    }
    return na == 0 || nb == 0 ? 0 : dot / (Math.sqrt(na) * Math.sqrt(nb));
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
}
