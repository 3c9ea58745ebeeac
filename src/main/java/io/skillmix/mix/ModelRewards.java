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
  private final java.util.function.LongToDoubleFunction lrAt;
  private LanguageModel start;

  private ModelRewards(EvaluatorWork work, int threads, LanguageModel replica, ModelInputs inputs,
      java.util.function.LongToDoubleFunction lrAt) {
    this.reward = work.reward();
    this.computation = work.start();
    this.divided = work.reward().divided(work.context());
    this.threads = threads;
    this.replica = replica;
    this.inputs = inputs;
    this.lrAt = lrAt;
  }

  /**
   * The evaluator work of a run's policy on a replica of {@code config}.
   *
   * @param device {@code devices.evaluator}
   * @param threads torch intra-op threads on the computing thread (0: left as they are)
   * @param lora with LoRA on, the replica carries the learner's adapters, so θ0 (every tensor,
   *     once) and each snapshot (the adapters alone) fit it
   * @param padId the tokenizer's pad id ({@link ModelInputs#padIdOf})
   * @param lrAt the learner's learning rate at a step (its schedule), for look-ahead rewards
   */
  public static ModelRewards create(EvaluatorWork work, String device, int threads, ModelConfig config,
      LoraSettings lora, int padId, java.util.function.LongToDoubleFunction lrAt) {
    Device on = Devices.parse("devices.evaluator", device);
    return new ModelRewards(work, threads, replica(config, on, lora), ModelInputs.padded(padId), lrAt);
  }

  /** For tests: {@code reward} on a CPU replica of {@code config}, threads left as they are. */
  static ModelRewards of(Reward reward, Reward.Context context, ModelConfig config, ModelInputs inputs) {
    return of(reward, context, config, LoraSettings.OFF, inputs);
  }

  /** As above, the replica carrying adapters of {@code lora}. */
  static ModelRewards of(Reward reward, Reward.Context context, ModelConfig config, LoraSettings lora,
      ModelInputs inputs) {
    return new ModelRewards(new EvaluatorWork(reward, context, reward.defaultBatchSize()), 0,
        replica(config, Device.cpu(), lora), inputs, step -> Double.NaN);
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
    return computation.rewards(new Reward.Models(replica, start, inputs, snapshot.version(),
        lrAt.applyAsDouble(snapshot.version())), batches);
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
    Reward.Models models = new Reward.Models(replica, start, inputs, snapshot.version(),
        lrAt.applyAsDouble(snapshot.version()));
    double[][] parts = new double[datasets.length][];
    for (int k = 0; k < datasets.length; k++) {
      parts[k] = divided.part(models, batches, datasets[k]);
    }
    return parts;
  }

  @Override
  public void close() {
    replica.close();
    if (start != null) {
      start.close();
    }
  }
}
