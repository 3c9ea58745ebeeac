package io.skillmix.node;

import io.skillmix.data.DatasetActor;
import io.skillmix.mix.Reward;
import io.skillmix.mix.RewardEvaluator;
import io.skillmix.model.ParameterSnapshot;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The reward model of a learner node's {@link RewardEvaluator}: it computes nothing here, but hands
 * each snapshot and its reward batches to the run's {@link EvaluatorPool}, waits (on the evaluator's
 * worker thread) for the parts the evaluator nodes computed, and joins them with the reward's own
 * join ({@link Reward.Divided}), so the rewards are those one evaluator would compute. Interrupted
 * (the learner abandoned the update), it tells the pool to drop that snapshot.
 */
final class PooledRewards implements RewardEvaluator.RewardModel {

  private final ActorRef<Object> pool;
  private final List<DatasetActor.StreamKind> streams;
  private final Reward.Divided divided;

  /** @param divided the reward by dataset, or null: it goes whole to one evaluator node */
  PooledRewards(ActorRef<Object> pool, List<DatasetActor.StreamKind> streams, Reward.Divided divided) {
    this.pool = pool;
    this.streams = streams;
    this.divided = divided;
  }

  @Override
  public List<DatasetActor.StreamKind> streams() {
    return streams;
  }

  @Override
  public void setReference(ParameterSnapshot theta0) {
    pool.tell(new EvaluatorPool.SetReference(theta0));
  }

  @Override
  public double[] rewards(ParameterSnapshot snapshot, RewardEvaluator.RewardBatches batches) {
    CompletableFuture<double[][]> parts = new CompletableFuture<>();
    pool.tell(new EvaluatorPool.Compute(snapshot, batches, divided == null, parts));
    try {
      double[][] answer = parts.get();
      return divided == null ? answer[0] : divided.join(answer);
    } catch (InterruptedException e) {
      pool.tell(new EvaluatorPool.Cancel(snapshot.version()));
      Thread.currentThread().interrupt();
      throw new IllegalStateException("the update of snapshot " + snapshot.version() + " was abandoned");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  @Override
  public void close() {
    // the pool outlives a reward model: a fresh one after a failure talks to the same pool
  }
}
