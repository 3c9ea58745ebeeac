package io.skillmix.mix;

import ai.djl.Device;
import io.skillmix.data.DatasetActor;
import io.skillmix.model.Devices;
import io.skillmix.model.ChunkedHead;
import io.skillmix.model.GradMode;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelConfig;
import io.skillmix.model.ParameterSnapshot;
import io.skillmix.model.TorchThreads;
import java.util.List;

/**
 * The model side of a {@link Reward}, on the evaluator's device: a replica of θ refreshed from each
 * snapshot and, for a reward that {@link Reward#usesStart() uses it}, the frozen starting weights θ0.
 */
public final class ModelRewards implements RewardEvaluator.RewardModel {

  private final Reward reward;
  private final Reward.Computation computation;
  private final int threads;
  private final LanguageModel replica;
  private LanguageModel start;

  private ModelRewards(Reward reward, Reward.Options options, int threads, LanguageModel replica) {
    this.reward = reward;
    this.computation = reward.start(options);
    this.threads = threads;
    this.replica = replica;
  }

  /**
   * The reward of {@code mix} (the configured one for mos, the baseline's own for multidds and
   * multiuat) on a replica of {@code config}.
   *
   * @param device {@code devices.evaluator}
   * @param threads torch intra-op threads on the computing thread (0: left as they are)
   * @param seed seeds what the reward draws
   * @param specialist index of the MoSpec target dataset, or -1
   */
  public static ModelRewards create(MixSettings mix, String device, int threads, long seed, ModelConfig config,
      int specialist) {
    Device on = Devices.parse("devices.evaluator", device);
    Reward.Options options = new Reward.Options(specialist, mix.multiddsLayers(), mix.multiuatPasses(),
        mix.multiuatDropout(), seed, mix.diffTokens());
    return new ModelRewards(mix.trainingReward(), options, threads, LanguageModel.random(config, on, 0));
  }

  /** For tests: {@code reward} on a CPU replica of {@code config}, threads left as they are. */
  static ModelRewards of(Reward reward, Reward.Options options, ModelConfig config) {
    return new ModelRewards(reward, options, 0, LanguageModel.random(config, Device.cpu(), 0));
  }

  @Override
  public List<DatasetActor.StreamKind> streams() {
    return reward.streams();
  }

  @Override
  public void setReference(ParameterSnapshot theta0) {
    replica.importWeights(theta0.weights());
    if (reward.usesStart()) {
      start = LanguageModel.random(replica.config(), replica.device(), 0);
      start.importWeights(theta0.weights());
    }
  }

  @Override
  public double[] rewards(ParameterSnapshot snapshot, RewardEvaluator.RewardBatches batches) {
    TorchThreads.pin(threads);
    GradMode.disableOnThisThread();
    replica.importWeights(snapshot.weights());
    return computation.rewards(new Reward.Models(replica, start), batches);
  }

  @Override
  public void close() {
    replica.close();
    if (start != null) {
      start.close();
    }
  }
}
