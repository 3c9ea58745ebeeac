package io.skillmix.mix;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.skillmix.data.DatasetActor;
import io.skillmix.data.TokenizedExample;
import io.skillmix.eval.LogLikelihood;
import io.skillmix.learn.SftLoss;
import io.skillmix.model.CausalLM;
import io.skillmix.model.Devices;
import io.skillmix.model.ChunkedHead;
import io.skillmix.model.GradMode;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelConfig;
import io.skillmix.model.ParameterSnapshot;
import io.skillmix.model.TorchThreads;
import io.skillmix.run.RunSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * The model side of the rewards, on the evaluator's device: a replica of θ refreshed from each
 * snapshot and, for Diff, the frozen starting weights θ0.
 *
 * <ul>
 *   <li>{@code cossim}: e_i = mean over the reward batch of each example's mean top-layer hidden
 *       state (real tokens only); R_i = (1/N) Σ_j cos(e_i, e_j), or cos(e_i, e_target) for MoSpec.
 *   <li>{@code diff}: R_i = mean over examples of PPL_θ(x) / PPL_θ0(x) on response tokens; MoSpec
 *       doubles the target's reward.
 *   <li>{@code multidds}: R_i = mean over j of cos(∇L(train batch of i), ∇L(held-out batch of j)).
 *   <li>{@code multiuat}: R_i = mean predictive entropy on held-out data of i, the prediction being
 *       the average of K Monte-Carlo dropout passes.
 * </ul>
 */
public final class ModelRewards implements RewardEvaluator.RewardModel {

  private static final int FORWARD_BATCH = 16;

  /**
   * What MultiDDS and MultiUAT need beyond the reward's name, and the thread count to compute with.
   *
   * @param threads torch intra-op threads on the computing thread (0: left as they are)
   */
  public record Settings(String kind, int specialist, int gradientLayers, int dropoutPasses,
      double dropoutRate, long seed, int threads) {

    public Settings(String kind, int specialist, int gradientLayers, int dropoutPasses, double dropoutRate,
        long seed) {
      this(kind, specialist, gradientLayers, dropoutPasses, dropoutRate, seed, 0);
    }
  }

  private final Settings settings;
  private final LanguageModel replica;
  private final Rng dropoutRng;
  private LanguageModel reference;

  private ModelRewards(Settings settings, LanguageModel replica) {
    this.settings = settings;
    this.replica = replica;
    this.dropoutRng = new Rng(settings.seed());
  }

  /** @param specialist index of the MoSpec target dataset, or -1 */
  public static ModelRewards create(RunSettings run, ModelConfig config, int specialist) {
    Device device = Devices.parse("devices.evaluator", run.evaluatorDevice());
    RunSettings.Mix mix = run.mix();
    String kind = mix.method().equals("mos") ? mix.reward() : mix.method();
    return new ModelRewards(new Settings(kind, specialist, mix.multiddsLayers(), mix.multiuatPasses(),
        mix.multiuatDropout(), run.seed(), run.evaluatorThreads()), LanguageModel.random(config, device, 0));
  }

  /** For tests: the rewards of {@code settings} on a replica of {@code config}. */
  static ModelRewards of(Settings settings, ModelConfig config) {
    return new ModelRewards(settings, LanguageModel.random(config, Device.cpu(), 0));
  }

  @Override
  public List<DatasetActor.StreamKind> streams() {
    return switch (settings.kind()) {
      case "multidds" -> List.of(DatasetActor.StreamKind.REWARD, DatasetActor.StreamKind.HELD_OUT);
      case "multiuat" -> List.of(DatasetActor.StreamKind.HELD_OUT);
      default -> List.of(DatasetActor.StreamKind.REWARD);
    };
  }

  @Override
  public void setReference(ParameterSnapshot theta0) {
    replica.importWeights(theta0.weights());
    if (settings.kind().equals("diff")) {
      reference = LanguageModel.random(replica.config(), replica.device(), 0);
      reference.importWeights(theta0.weights());
    }
  }

  @Override
  public double[] rewards(ParameterSnapshot snapshot, RewardEvaluator.RewardBatches batches) {
    TorchThreads.pin(settings.threads());
    GradMode.disableOnThisThread();
    replica.importWeights(snapshot.weights());
    return switch (settings.kind()) {
      case "cossim" -> cosSim(batches.train());
      case "diff" -> diff(batches.train());
      case "multidds" -> multiDds(batches.train(), batches.heldOut());
      case "multiuat" -> multiUat(batches.heldOut());
      default -> throw new IllegalStateException("unknown reward " + settings.kind());
    };
  }

  private double[] cosSim(List<List<TokenizedExample>> batches) {
    int n = batches.size();
    double[][] embeddings = new double[n][];
    for (int i = 0; i < n; i++) {
      embeddings[i] = mean(LogLikelihood.meanHidden(replica, batches.get(i), FORWARD_BATCH));
    }
    return settings.specialist() >= 0
        ? CosSimReward.computeSpecialist(embeddings, settings.specialist())
        : CosSimReward.compute(embeddings);
  }

  private double[] diff(List<List<TokenizedExample>> batches) {
    int n = batches.size();
    double[][] ratios = new double[n][];
    for (int i = 0; i < n; i++) {
      LogLikelihood.Scores now = LogLikelihood.score(replica, batches.get(i), FORWARD_BATCH);
      LogLikelihood.Scores start = LogLikelihood.score(reference, batches.get(i), FORWARD_BATCH);
      ratios[i] = new double[batches.get(i).size()];
      for (int k = 0; k < ratios[i].length; k++) {
        ratios[i][k] = DiffReward.perplexityRatio(now.meanNll(k), start.meanNll(k));
      }
    }
    return settings.specialist() >= 0
        ? DiffReward.computeSpecialist(ratios, settings.specialist())
        : DiffReward.compute(ratios);
  }

  private double[] multiDds(List<List<TokenizedExample>> train, List<List<TokenizedExample>> heldOut) {
    int n = train.size();
    List<LanguageModel.NamedParameter> params = gradientParameters();
    float[][] trainGrads = new float[n][];
    float[][] devGrads = new float[n][];
    for (int i = 0; i < n; i++) {
      trainGrads[i] = gradient(train.get(i), params);
      devGrads[i] = gradient(heldOut.get(i), params);
    }
    return MultiDdsReward.compute(trainGrads, devGrads);
  }

  /** The last {@code gradientLayers} decoder layers and the final norm (0: every parameter). */
  private List<LanguageModel.NamedParameter> gradientParameters() {
    int layers = replica.config().numLayers();
    int keep = settings.gradientLayers();
    List<LanguageModel.NamedParameter> out = new ArrayList<>();
    for (LanguageModel.NamedParameter p : replica.parameters()) {
      boolean selected = keep <= 0 || p.name().equals("model.norm.weight");
      for (int l = Math.max(0, layers - keep); l < layers && !selected; l++) {
        selected = p.name().startsWith("model.layers." + l + ".");
      }
      if (selected) {
        out.add(p);
      }
    }
    return out;
  }

  /** ∇θ of the mean SFT loss of {@code batch}, flattened over {@code params}. */
  private float[] gradient(List<TokenizedExample> batch, List<LanguageModel.NamedParameter> params) {
    try (NDManager scope = replica.manager().newSubManager()) {
      SftLoss.LossInputs in = SftLoss.shift(batch, 0);
      Shape shape = new Shape(in.batch(), in.length());
      GradMode.backward(() -> SftLoss.compute(replica.block(),
          replica.hidden(scope.create(in.inputIds(), shape), scope.create(in.attentionMask(), shape)), in,
          ChunkedHead.DEFAULT_CHUNK));
      int total = 0;
      for (LanguageModel.NamedParameter p : params) {
        total += (int) p.array().size();
      }
      float[] flat = new float[total];
      int at = 0;
      for (LanguageModel.NamedParameter p : replica.parameters()) {
        NDArray g = p.array().getGradient();
        g.attach(scope);
        if (params.contains(p)) {
          float[] values = g.toFloatArray();
          System.arraycopy(values, 0, flat, at, values.length);
          at += values.length;
        }
        g.set(new ai.djl.ndarray.index.NDIndex("..."), 0f); // the next batch starts from zero
      }
      return flat;
    }
  }

  private double[] multiUat(List<List<TokenizedExample>> heldOut) {
    double[][] entropies = new double[heldOut.size()][];
    for (int i = 0; i < heldOut.size(); i++) {
      entropies[i] = predictiveEntropy(heldOut.get(i));
    }
    return MultiUatReward.compute(entropies);
  }

  /**
   * Per example: mean over response positions of H(mean over K dropout passes of p(·|x<t)).
   * Each pass runs in a scope of its own that closes before the next, so only the running mean of
   * the probabilities outlives a pass (keeping every pass's activations to the end took gigabytes).
   */
  private double[] predictiveEntropy(List<TokenizedExample> batch) {
    SftLoss.LossInputs in = SftLoss.shift(batch, 0);
    Shape shape = new Shape(in.batch(), in.length());
    int k = settings.dropoutPasses();
    float rate = (float) settings.dropoutRate();
    CausalLM.Dropout dropout = (like, s) -> keepMask(like, s, rate);
    float[] entropy;
    try (NDManager scope = replica.manager().newSubManager()) {
      NDArray meanProbs = null;
      for (int pass = 0; pass < k; pass++) {
        try (NDManager passScope = scope.newSubManager()) {
          // Inputs made in the pass's scope: every intermediate lands there and closes with it.
          NDArray probs = replica.forwardWithDropout(passScope.create(in.inputIds(), shape),
              passScope.create(in.attentionMask(), shape), dropout).get(0).softmax(-1).div(k);
          if (meanProbs == null) {
            meanProbs = scope.zeros(probs.getShape(), probs.getDataType(), probs.getDevice());
          }
          meanProbs.addi(probs);
        }
      }
      entropy = meanProbs.mul(meanProbs.add(1e-12f).log()).sum(new int[] {-1}).neg().toFloatArray(); // (B, T)
    }
    double[] perExample = new double[in.batch()];
    for (int b = 0; b < in.batch(); b++) {
      double sum = 0;
      int count = 0;
      for (int t = 0; t < in.length(); t++) {
        if (in.weights()[b * in.length() + t] != 0) {
          sum += entropy[b * in.length() + t];
          count++;
        }
      }
      perExample[b] = count == 0 ? 0 : sum / count;
    }
    return perExample;
  }

  /** Drawn on the host from a seeded generator, so rewards repeat exactly for a seed. */
  private NDArray keepMask(NDArray like, Shape shape, float rate) {
    float[] values = new float[Math.toIntExact(shape.size())];
    float keep = 1f / (1f - rate);
    for (int i = 0; i < values.length; i++) {
      values[i] = dropoutRng.nextDouble() < rate ? 0f : keep;
    }
    return like.getManager().create(values, shape).toDevice(like.getDevice(), false);
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
