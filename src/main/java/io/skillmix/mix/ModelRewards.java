package io.skillmix.mix;

import ai.djl.Device;
import io.skillmix.data.DatasetActor;
import io.skillmix.model.Devices;
import io.skillmix.model.ChunkedHead;
import io.skillmix.model.GradMode;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.LoraAdapters;
import io.skillmix.model.LoraSettings;
import io.skillmix.model.ModelConfig;
import io.skillmix.model.ModelInputs;
import io.skillmix.model.ParameterSnapshot;
import io.skillmix.model.TorchThreads;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model side of a {@link Reward}, on the evaluator's device: a replica of θ refreshed from each
 * snapshot and, for a reward that {@link Reward#usesStart() uses it}, the frozen starting weights θ0.
 */
public final class ModelRewards implements RewardEvaluator.RewardModel {

  private final Reward reward;
  private final Reward.Computation computation;
  /** The same reward by dataset, for a pool of evaluators; null when it does not divide. */
  private final Reward.Divided divided;
  private final int threads;
  private final LanguageModel replica;
  private final ModelInputs inputs;
  private LanguageModel start;

  private ModelRewards(Reward reward, Reward.Options options, int threads, LanguageModel replica, ModelInputs inputs) {
    this.reward = reward;
    this.computation = reward.start(options);
    this.divided = reward.divided(options);
    this.threads = threads;
    this.replica = replica;
    this.inputs = inputs;
  }

  /**
   * The reward of {@code mix} (the configured one for mos, the baseline's own for multidds and
   * multiuat) on a replica of {@code config}.
   *
   * @param device {@code devices.evaluator}
   * @param threads torch intra-op threads on the computing thread (0: left as they are)
   * @param seed seeds what the reward draws
   * @param specialist index of the MoSpec target dataset, or -1
   * @param lora with LoRA on, the replica carries the learner's adapters, so θ0 (every tensor,
   *     once) and each snapshot (the adapters alone) fit it
   * @param padId the tokenizer's pad id ({@link ModelInputs#padIdOf})
   */
  public static ModelRewards create(MixSettings mix, String device, int threads, long seed, ModelConfig config,
      LoraSettings lora, int specialist, int padId) {
    Device on = Devices.parse("devices.evaluator", device);
    return new ModelRewards(mix.trainingReward(), options(mix, seed, specialist), threads, replica(config, on, lora),
        ModelInputs.padded(padId));
  }

  /** The options {@link #create} gives the reward of {@code mix}. */
  public static Reward.Options options(MixSettings mix, long seed, int specialist) {
    return new Reward.Options(specialist, mix.multiddsLayers(), mix.multiuatPasses(), mix.multiuatDropout(), seed,
        mix.multiuatVariant(), mix.diffTokens());
  }

  /** For tests: {@code reward} on a CPU replica of {@code config}, threads left as they are. */
  static ModelRewards of(Reward reward, Reward.Options options, ModelConfig config, ModelInputs inputs) {
    return of(reward, options, config, LoraSettings.OFF, inputs);
  }

  /** As above, the replica carrying adapters of {@code lora}. */
  static ModelRewards of(Reward reward, Reward.Options options, ModelConfig config, LoraSettings lora,
      ModelInputs inputs) {
    return new ModelRewards(reward, options, 0, replica(config, Device.cpu(), lora), inputs);
  }

  /** A model of {@code config}, with the learner's adapters when LoRA is on; its values come with θ0. */
  private static LanguageModel replica(ModelConfig config, Device device, LoraSettings lora) {
    LanguageModel replica = LanguageModel.random(config, device, 0);
    if (lora.enabled()) {
      replica.addLora(lora, 0);
    }
    return replica;
  }

  @Override
  public List<DatasetActor.StreamKind> streams() {
    return reward.streams();
  }

  @Override
  public void setReference(ParameterSnapshot theta0) {
    replica.importWeights(theta0.weights());
    if (reward.usesStart()) {
      // θ0 is the base: with LoRA its adapters are B = 0, so the base weights alone are θ0.
      start = LanguageModel.random(replica.config(), replica.device(), 0);
      Map<String, float[]> base = new LinkedHashMap<>(theta0.weights());
      base.keySet().removeIf(LoraAdapters::isAdapterName);
      start.importWeights(base);
    }
  }

  @Override
  public double[] rewards(ParameterSnapshot snapshot, RewardEvaluator.RewardBatches batches) {
    TorchThreads.pin(threads);
    GradMode.disableOnThisThread();
    replica.importWeights(snapshot.weights());
    return computation.rewards(new Reward.Models(replica, start, inputs), batches);
  }

  /**
   * The parts of datasets {@code datasets} on parameters {@code snapshot}, for a pool of evaluators
   * ({@link Reward#divided}): what {@link #rewards} computes for them before its join.
   *
   * @throws IllegalStateException if the reward does not divide
   */
  public double[][] parts(ParameterSnapshot snapshot, RewardEvaluator.RewardBatches batches, int[] datasets) {
    if (divided == null) {
      throw new IllegalStateException("the " + reward.name() + " reward does not divide by dataset");
    }
    TorchThreads.pin(threads);
    GradMode.disableOnThisThread();
    replica.importWeights(snapshot.weights());
    Reward.Models models = new Reward.Models(replica, start, inputs);
    double[][] parts = new double[datasets.length][];
    for (int k = 0; k < datasets.length; k++) {
      parts[k] = divided.part(models, batches, datasets[k]);
    }
    return parts;
  }

  /** Whether the reward divides by dataset ({@link #parts}). */
  public boolean divides() {
    return divided != null;
  }

  @Override
  public void close() {
    replica.close();
    if (start != null) {
      start.close();
    }
  }
}
