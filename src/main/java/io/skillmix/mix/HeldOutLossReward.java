package io.skillmix.mix;

import io.skillmix.data.DatasetActor;
import io.skillmix.eval.HeldOutLoss;
import java.util.List;

/**
 * Each dataset's held-out loss (its token-weighted mean response NLL, as {@code skillmix eval}
 * reports it) on the examples drawn: what Aioli's LearnParams measures after each block and fms
 * ODM's {@code validation_loss} reads. Built by those policies, not registered as a reward of mos.
 */
final class HeldOutLossReward implements Reward {

  @Override
  public String name() {
    return "heldout-loss";
  }

  @Override
  public List<DatasetActor.StreamKind> streams() {
    return List.of(DatasetActor.StreamKind.HELD_OUT);
  }

  @Override
  public Computation start(Context context) {
    return (models, batches) -> {
      double[] r = new double[batches.heldOut().size()];
      for (int i = 0; i < r.length; i++) {
        r[i] = HeldOutLoss.evaluate(models.theta(), models.inputs(), "", batches.heldOut().get(i), FORWARD_BATCH)
            .meanLoss();
      }
      return r;
    };
  }
}
