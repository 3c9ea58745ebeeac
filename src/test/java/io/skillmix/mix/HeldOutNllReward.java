package io.skillmix.mix;

import io.skillmix.data.DatasetActor;
import io.skillmix.eval.LogLikelihood;
import java.util.List;

/**
 * A reward that exists only in the tests, to show what adding one takes: this class and its line in
 * {@code src/test/resources/META-INF/services/io.skillmix.mix.Reward}. R_i = mean over held-out
 * examples of dataset i of their mean NLL under θ: the datasets the model is worst at get more.
 */
public final class HeldOutNllReward implements Reward {

  @Override
  public String name() {
    return "heldout-nll";
  }

  @Override
  public List<DatasetActor.StreamKind> streams() {
    return List.of(DatasetActor.StreamKind.HELD_OUT);
  }

  @Override
  public int defaultBatchSize() {
    return 8;
  }

  @Override
  public Computation start(Context options) {
    return (models, batches) -> {
      double[] r = new double[batches.heldOut().size()];
      for (int i = 0; i < r.length; i++) {
        LogLikelihood.Scores scores = LogLikelihood.score(models.theta(), models.inputs(), batches.heldOut().get(i), FORWARD_BATCH);
        for (int k = 0; k < batches.heldOut().get(i).size(); k++) {
          r[i] += scores.meanNll(k) / batches.heldOut().get(i).size();
        }
      }
      return r;
    };
  }
}
