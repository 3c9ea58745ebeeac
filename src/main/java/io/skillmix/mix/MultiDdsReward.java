package io.skillmix.mix;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.skillmix.data.DatasetActor;
import io.skillmix.data.TokenizedExample;
import io.skillmix.model.SftLoss;
import io.skillmix.model.ChunkedHead;
import io.skillmix.model.GradMode;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.LoraAdapters;
import io.skillmix.model.ModelInputs;
import java.util.ArrayList;
import java.util.List;

/**
 * MultiDDS (Wang et al. 2020), as a reward in the MoS framework: R_i = mean over datasets j of
 * cos(∇θ L on a training batch of i, ∇θ L on a held-out batch of j). Gradients come flattened,
 * best as float[] (they are the size of the model, or of its last layers); dot products
 * accumulate in double either way.
 */
public final class MultiDdsReward implements Reward {

  @Override
  public String name() {
    return "multidds";
  }

  @Override
  public List<DatasetActor.StreamKind> streams() {
    return List.of(DatasetActor.StreamKind.REWARD, DatasetActor.StreamKind.HELD_OUT);
  }

  @Override
  public Computation start(Context options) {
    int layers = options.settings().nonNegativeInt("layers");
    return (models, batches) -> {
      LanguageModel theta = models.theta();
      int n = batches.train().size();
      List<LanguageModel.NamedParameter> params = gradientParameters(theta, layers);
      float[][] trainGrads = new float[n][];
      float[][] devGrads = new float[n][];
      for (int i = 0; i < n; i++) {
        trainGrads[i] = gradient(theta, models.inputs(), batches.train().get(i), params);
        devGrads[i] = gradient(theta, models.inputs(), batches.heldOut().get(i), params);
      }
      return compute(trainGrads, devGrads);
    };
  }

  /** The last {@code keep} decoder layers and the final norm (0: every parameter). */
  private static List<LanguageModel.NamedParameter> gradientParameters(LanguageModel model, int keep) {
    int layers = model.config().numLayers();
    List<LanguageModel.NamedParameter> out = new ArrayList<>();
    for (LanguageModel.NamedParameter p : model.parameters()) {
      boolean selected = keep <= 0 || p.name().equals("model.norm.weight");
      for (int l = Math.max(0, layers - keep); l < layers && !selected; l++) {
        selected = p.name().startsWith("model.layers." + l + ".")
            || p.name().startsWith(LoraAdapters.PREFIX + "model.layers." + l + "."); // LoRA: the layer's adapters
      }
      if (selected) {
        out.add(p);
      }
    }
    return out;
  }

  /** ∇θ of the mean SFT loss of {@code batch}, flattened over {@code params}. */
  private static float[] gradient(LanguageModel model, ModelInputs inputs, List<TokenizedExample> batch,
      List<LanguageModel.NamedParameter> params) {
    try (NDManager scope = model.manager().newSubManager()) {
      ModelInputs.Rows in = inputs.shifted(batch);
      GradMode.backward(() -> SftLoss.compute(model.block(), model.hidden(in.ids(scope), in.mask(scope)), in,
          ChunkedHead.DEFAULT_CHUNK));
      int total = 0;
      for (LanguageModel.NamedParameter p : params) {
        total += (int) p.array().size();
      }
      float[] flat = new float[total];
      int at = 0;
      for (LanguageModel.NamedParameter p : model.parameters()) {
        NDArray g = p.array().getGradient();
        g.attach(scope);
        if (params.contains(p)) {
          float[] values = g.toFloatArray();
          System.arraycopy(values, 0, flat, at, values.length);
          at += values.length;
        }
        g.set(new NDIndex("..."), 0f); // the next batch starts from zero
      }
      return flat;
    }
  }

  /**
   * @param trainGrads N × P: ∇θ L on a training batch of each dataset
   * @param devGrads M × P: ∇θ L on a held-out batch of each dataset (M = N in MoS)
   */
  public static double[] compute(float[][] trainGrads, float[][] devGrads) {
    check(RewardChecks.sameWidth("MultiDDS training gradients", trainGrads.length, i -> trainGrads[i].length),
        RewardChecks.sameWidth("MultiDDS held-out gradients", devGrads.length, j -> devGrads[j].length));
    return meanCosines(trainGrads.length, devGrads.length,
        (i, j) -> dot(trainGrads[i], devGrads[j]),
        i -> dot(trainGrads[i], trainGrads[i]),
        j -> dot(devGrads[j], devGrads[j]));
  }

  /** The same on double gradients. */
  public static double[] compute(double[][] trainGrads, double[][] devGrads) {
    check(RewardChecks.sameWidth("MultiDDS training gradients", trainGrads.length, i -> trainGrads[i].length),
        RewardChecks.sameWidth("MultiDDS held-out gradients", devGrads.length, j -> devGrads[j].length));
    return meanCosines(trainGrads.length, devGrads.length,
        (i, j) -> dot(trainGrads[i], devGrads[j]),
        i -> dot(trainGrads[i], trainGrads[i]),
        j -> dot(devGrads[j], devGrads[j]));
  }

  private interface PairDot {
    double of(int i, int j);
  }

  /** Norms once per vector rather than once per pair; a zero gradient has cosine 0 with anything. */
  private static double[] meanCosines(int n, int m, PairDot cross,
      java.util.function.IntToDoubleFunction trainSquare, java.util.function.IntToDoubleFunction devSquare) {
    double[] devNorms = new double[m];
    for (int j = 0; j < m; j++) {
      devNorms[j] = Math.sqrt(devSquare.applyAsDouble(j));
    }
    double[] r = new double[n];
    for (int i = 0; i < n; i++) {
      double trainNorm = Math.sqrt(trainSquare.applyAsDouble(i));
      double sum = 0;
      for (int j = 0; j < m; j++) {
        double norms = trainNorm * devNorms[j];
        sum += norms == 0 ? 0 : cross.of(i, j) / norms;
      }
      r[i] = sum / m;
    }
    return r;
  }

  private static void check(int p, int q) {
    if (p != q) {
      throw new IllegalArgumentException("MultiDDS gradients of " + p + " and " + q + " parameters");
    }
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int k = 0; k < a.length; k++) {
      s += (double) a[k] * b[k];
    }
    return s;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int k = 0; k < a.length; k++) {
      s += a[k] * b[k];
    }
    return s;
  }
}
