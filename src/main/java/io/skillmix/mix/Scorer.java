package io.skillmix.mix;

import io.skillmix.UserError;
import java.util.Arrays;
import java.util.Locale;

/**
 * The MoS scorer p_ψ over N datasets, trained with Adam in plain double arithmetic (ψ is small:
 * N logits, or a 64-unit perceptron). {@code logits}: N free logits, the official code's form;
 * {@code mlp}: the paper's perceptron, input a vector of ones marking the available datasets,
 * hidden 64 tanh units, output N logits. p_ψ = softmax(logits).
 *
 * <p>{@link #update} minimises L(ψ) = −Σ_i R̂_i · log p_ψ(i): the expected REINFORCE gradient
 * over all datasets, no sampled action and no baseline, as in the official code and MultiDDS. For
 * positive rewards its fixed point is p_i = R̂_i / Σ_j R̂_j. {@link #updateSampled} is the textbook
 * alternative ({@code mix.scorer.update = sampled}).
 */
public final class Scorer {

  static final double BETA1 = 0.9;
  static final double BETA2 = 0.999;
  static final double EPSILON = 1e-8;
  /** The official warm start runs Adam until the squared error is below this. */
  static final double WARM_START_TOLERANCE = 1e-10;
  /**
   * A bound the official code does not have (its loop runs until the error is small enough): from
   * any prior of a few datasets at lr 1e-4 the official warm start takes far fewer steps.
   */
  static final int OFFICIAL_WARM_START_MAX_STEPS = 10_000_000;
  /** A higher rate than the RL updates' 1e-4, so the warm start takes hundreds of steps, not 10^5. */
  static final double WARM_START_LR = 1e-2;
  static final int WARM_START_MAX_STEPS = 5_000;
  /** Weight of the old value in the sampled update's moving-average baseline. */
  static final double BASELINE_DECAY = 0.9;

  /** How {@code mix.scorer.update} turns smoothed rewards into steps on ψ. */
  public enum UpdateRule {
    /** −Σ_i R̂_i log p_ψ(i) over all datasets (the official code; the default). */
    EXPECTED,
    /** REINFORCE on one sampled dataset per step with a moving-average baseline. */
    SAMPLED;

    public static UpdateRule parse(String key, String value) {
      if (value != null) {
        for (UpdateRule rule : values()) {
          if (rule.name().equals(value.trim().toUpperCase(Locale.ROOT))) {
            return rule;
          }
        }
      }
      throw new UserError(key + " = '" + value + "' is not valid; use expected or sampled");
    }
  }

  /**
   * ψ, its Adam state and the sampled update's RNG and baseline, as plain values for a checkpoint.
   *
   * @param kind the {@link ScorerKind}'s name, logits or mlp (a string, so checkpoints read as before)
   * @param psi the parameters (logits; or W1 (H×N), b1 (H), W2 (N×H), b2 (N) row-major)
   * @param step Adam's step count (for its bias correction)
   * @param rng the {@link Rng} state that draws the sampled update's datasets
   * @param baseline the sampled update's moving-average reward; NaN before its first step
   */
  public record State(String kind, double[] psi, double[] m, double[] v, long step, long rng, double baseline) {}

  private final ScorerKind kind;
  private final ScorerParametrisation net;
  private final int n;
  private final double lr;
  private final Rng rng;
  private double[] psi;
  private double[] m;
  private double[] v;
  private long step;
  private double baseline = Double.NaN;

  private Scorer(ScorerKind kind, int n, double lr, Rng rng) {
    this.kind = kind;
    this.net = kind.over(n);
    this.n = n;
    this.lr = lr;
    this.rng = rng;
    this.psi = net.initial(rng);
    resetOptimizer();
  }

  /**
   * @param kind {@code mix.scorer}
   * @param n the number of datasets
   * @param lr Adam's learning rate for {@link #update} ({@code mix.scorer.lr}, 1e-4 in the paper)
   * @param seed initialises the perceptron and draws the sampled update's datasets
   */
  public static Scorer create(ScorerKind kind, int n, double lr, long seed) {
    if (n < 1) {
      throw new UserError("there are no datasets to mix; list at least one under data.datasets");
    }
    if (!(lr > 0) || Double.isInfinite(lr)) {
      throw new UserError("mix.scorer.lr = " + lr + " must be a positive number (the paper uses 1e-4)");
    }
    return new Scorer(kind, n, lr, new Rng(seed));
  }

  private void resetOptimizer() {
    m = new double[psi.length];
    v = new double[psi.length];
    step = 0;
    baseline = Double.NaN;
  }

  public ScorerKind kind() {
    return kind;
  }

  /** The number of datasets. */
  public int size() {
    return n;
  }

  /** p_ψ, a fresh array summing to 1. */
  public double[] probabilities() {
    return softmax(net.logits(psi));
  }

  /**
   * {@code mix.scorer.warm-start = exact}: fits p_ψ to the prior and starts Adam afresh (a method of
   * this project, not the official code's: see {@link #warmStartOfficial}). Logits: set to log prior, exact. Perceptron: Adam
   * (lr 1e-2) on Σ (p_i − prior_i)² until it is below 1e-10 (the official code's warm start) or
   * 5,000 steps; then the output bias takes up what error is left exactly, since
   * softmax(z + log prior − log p) = prior.
   */
  public void warmStart(double[] prior) {
    checkPrior(prior);
    if (!net.fitExactly(psi, prior)) {
      resetOptimizer();
      for (int it = 0; it < WARM_START_MAX_STEPS && squaredError(prior) >= WARM_START_TOLERANCE; it++) {
        adam(squaredErrorGradient(prior), WARM_START_LR);
      }
      double[] p = probabilities();
      double[] residual = new double[n];
      for (int i = 0; i < n; i++) {
        residual[i] = Math.log(prior[i]) - Math.log(p[i]);
      }
      net.shiftLogits(psi, residual);
    }
    resetOptimizer();
  }

  /**
   * The official code's warm start ({@code pretrain_data_actor} of its trainer, DESIGN §2), which
   * the RL updates continue: the logits' ψ filled with 1.0 (its {@code BaseActor}; a perceptron
   * keeps its seeded initial weights, the official code having none), then Adam at this scorer's
   * lr on mse(softmax(ψ), prior), the mean over the N datasets, until the error computed before a
   * step is at most 1e-10 — the step after that computation is still taken, as in its loop — and
   * the Adam state is kept: its moments and step count carry into {@link #update}. From the
   * uniform prior this is one step with a zero gradient.
   *
   * @return the Adam steps taken
   */
  public long warmStartOfficial(double[] prior) {
    checkPrior(prior);
    resetOptimizer();
    if (kind == ScorerKind.LOGITS) {
      Arrays.fill(psi, 1.0);
    }
    double error = Double.POSITIVE_INFINITY;
    long steps = 0;
    while (error > WARM_START_TOLERANCE && steps < OFFICIAL_WARM_START_MAX_STEPS) {
      error = squaredError(prior) / n;
      double[] g = squaredErrorGradient(prior);
      for (int i = 0; i < g.length; i++) {
        g[i] /= n; // the mean over N, as torch's mse_loss
      }
      adam(g, lr);
      steps++;
    }
    return steps;
  }

  /** {@code steps} Adam steps on L(ψ) = −Σ_i R̂_i log p_ψ(i). */
  public void update(double[] rewardHat, int steps) {
    checkRewards(rewardHat, steps);
    for (int s = 0; s < steps; s++) {
      adam(lossGradient(rewardHat), lr);
    }
  }

  /**
   * {@code steps} REINFORCE steps, each on one dataset a drawn from p_ψ with this scorer's seeded
   * RNG: ascend (R̂_a − b) ∇ log p_ψ(a), then b ← 0.9 b + 0.1 R̂_a (b starts at the first reward
   * drawn). Its expectation is the true policy gradient Σ_i p_i (R̂_i − b) ∇ log p_i, which
   * concentrates p on the best dataset rather than settling at R̂ / Σ R̂.
   */
  public void updateSampled(double[] rewardHat, int steps) {
    checkRewards(rewardHat, steps);
    for (int s = 0; s < steps; s++) {
      double[] p = probabilities();
      int a = rng.nextIndex(p);
      if (Double.isNaN(baseline)) {
        baseline = rewardHat[a];
      }
      double advantage = rewardHat[a] - baseline;
      // −A log p_a: dL/dz_k = −A (δ_ka − p_k).
      double[] dz = new double[n];
      for (int k = 0; k < n; k++) {
        dz[k] = advantage * p[k];
      }
      dz[a] -= advantage;
      adam(net.backward(psi, dz), lr);
      baseline = BASELINE_DECAY * baseline + (1 - BASELINE_DECAY) * rewardHat[a];
    }
  }

  /** One of {@link #update} or {@link #updateSampled}. */
  public void update(UpdateRule rule, double[] rewardHat, int steps) {
    switch (rule) {
      case EXPECTED -> update(rewardHat, steps);
      case SAMPLED -> updateSampled(rewardHat, steps);
    }
  }

  /** L(ψ) = −Σ_i R̂_i log p_i. */
  double loss(double[] rewardHat) {
    double[] logP = logSoftmax(net.logits(psi));
    double l = 0;
    for (int i = 0; i < n; i++) {
      l -= rewardHat[i] * logP[i];
    }
    return l;
  }

  /** ∂L/∂ψ: through the softmax, dL/dz_k = −R̂_k + p_k Σ_i R̂_i; then back through the perceptron. */
  double[] lossGradient(double[] rewardHat) {
    double[] p = probabilities();
    double total = 0;
    for (double r : rewardHat) {
      total += r;
    }
    double[] dz = new double[n];
    for (int k = 0; k < n; k++) {
      dz[k] = -rewardHat[k] + p[k] * total;
    }
    return net.backward(psi, dz);
  }

  /** The warm start's objective Σ_i (p_i − prior_i)². */
  double squaredError(double[] prior) {
    double[] p = probabilities();
    double e = 0;
    for (int i = 0; i < n; i++) {
      e += (p[i] - prior[i]) * (p[i] - prior[i]);
    }
    return e;
  }

  /** ∂/∂ψ of Σ (p_i − prior_i)²: dp_i = 2 (p_i − prior_i); through softmax dz_k = p_k (dp_k − Σ_i p_i dp_i). */
  double[] squaredErrorGradient(double[] prior) {
    double[] p = probabilities();
    double dot = 0;
    for (int i = 0; i < n; i++) {
      dot += p[i] * 2 * (p[i] - prior[i]);
    }
    double[] dz = new double[n];
    for (int k = 0; k < n; k++) {
      dz[k] = p[k] * (2 * (p[k] - prior[k]) - dot);
    }
    return net.backward(psi, dz);
  }

  /** The live parameters, for finite-difference tests. */
  double[] psi() {
    return psi;
  }

  /** Adam (Kingma and Ba) with PyTorch's defaults: betas 0.9 / 0.999, eps 1e-8 outside the root. */
  private void adam(double[] g, double rate) {
    step++;
    double c1 = 1 - Math.pow(BETA1, step);
    double c2 = 1 - Math.pow(BETA2, step);
    for (int i = 0; i < psi.length; i++) {
      m[i] = BETA1 * m[i] + (1 - BETA1) * g[i];
      v[i] = BETA2 * v[i] + (1 - BETA2) * g[i] * g[i];
      psi[i] -= rate * (m[i] / c1) / (Math.sqrt(v[i] / c2) + EPSILON);
    }
  }

  static double[] softmax(double[] z) {
    double max = Double.NEGATIVE_INFINITY;
    for (double x : z) {
      max = Math.max(max, x);
    }
    double[] p = new double[z.length];
    double sum = 0;
    for (int i = 0; i < z.length; i++) {
      p[i] = Math.exp(z[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < z.length; i++) {
      p[i] /= sum;
    }
    return p;
  }

  private static double[] logSoftmax(double[] z) {
    double max = Double.NEGATIVE_INFINITY;
    for (double x : z) {
      max = Math.max(max, x);
    }
    double sum = 0;
    for (double x : z) {
      sum += Math.exp(x - max);
    }
    double logSum = max + Math.log(sum);
    double[] out = new double[z.length];
    for (int i = 0; i < z.length; i++) {
      out[i] = z[i] - logSum;
    }
    return out;
  }

  private void checkPrior(double[] prior) {
    double sum = 0;
    for (double q : prior) {
      if (!(q > 0) || Double.isInfinite(q)) {
        throw new IllegalArgumentException("a prior needs positive finite entries: " + Arrays.toString(prior));
      }
      sum += q;
    }
    if (prior.length != n || Math.abs(sum - 1) > 1e-9) {
      throw new IllegalArgumentException("a prior over " + n + " datasets summing to 1 expected: " + Arrays.toString(prior));
    }
  }

  private void checkRewards(double[] rewardHat, int steps) {
    if (rewardHat.length != n) {
      throw new IllegalArgumentException(rewardHat.length + " rewards for " + n + " datasets");
    }
    for (double r : rewardHat) {
      if (!Double.isFinite(r)) {
        // A NaN would poison ψ for the rest of the run; the evaluator must not send one.
        throw new IllegalArgumentException("rewards must be finite: " + Arrays.toString(rewardHat));
      }
    }
    if (steps < 0) {
      throw new IllegalArgumentException("steps = " + steps);
    }
  }

  public State exportState() {
    return new State(kind.toString(), psi.clone(), m.clone(), v.clone(), step, rng.state(), baseline);
  }

  public void importState(State state) {
    if (!state.kind().equals(kind.toString()) || state.psi().length != psi.length
        || state.m().length != psi.length || state.v().length != psi.length) {
      throw new IllegalArgumentException("a " + state.kind() + " scorer state with " + state.psi().length
          + " parameters does not fit this " + kind + " scorer with " + psi.length);
    }
    psi = state.psi().clone();
    m = state.m().clone();
    v = state.v().clone();
    step = state.step();
    rng.restore(state.rng());
    baseline = state.baseline();
  }
}
