package io.skillmix.mix;

import io.skillmix.UserError;

/**
 * The MoS scorer p_ψ over N datasets, trained with Adam in plain double arithmetic (ψ is small:
 * N logits, or a 64-unit perceptron). {@code logits}: N free logits, the official code's form;
 * {@code mlp}: the paper's perceptron, input a vector of ones marking the available datasets,
 * hidden 64 tanh units, output N logits.
 *
 * <p>{@link #update} minimises L(ψ) = −Σ_i R̂_i · log p_ψ(i): the expected REINFORCE gradient
 * over all datasets, no sampled action and no baseline, as in the official code and MultiDDS.
 */
public final class Scorer {

  static final int HIDDEN = 64;

  /** ψ and its Adam state, in plain arrays. */
  public record State(String kind, double[] psi, double[] m, double[] v, long step) {}

  private final String kind;
  private final int n;
  private final double lr;
  private double[] psi;
  private double[] m;
  private double[] v;
  private long step;

  private Scorer(String kind, int n, double lr, double[] psi) {
    this.kind = kind;
    this.n = n;
    this.lr = lr;
    this.psi = psi;
    resetOptimizer();
  }

  /** @param kind logits or mlp */
  public static Scorer create(String kind, int n, double lr, long seed) {
    return switch (kind) {
      case "logits" -> new Scorer(kind, n, lr, new double[n]);
      case "mlp" -> new Scorer(kind, n, lr, initMlp(n, new Rng(seed)));
      default -> throw new UserError("mix.scorer = '" + kind + "' is not valid; use logits or mlp");
    };
  }

  /** Layout of the perceptron in ψ: W1 (H×N), b1 (H), W2 (N×H), b2 (N). */
  private static double[] initMlp(int n, Rng rng) {
    double[] psi = new double[HIDDEN * n + HIDDEN + n * HIDDEN + n];
    // PyTorch's default: U(−1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases.
    double bound1 = 1 / Math.sqrt(n);
    double bound2 = 1 / Math.sqrt(HIDDEN);
    int i = 0;
    for (; i < HIDDEN * n + HIDDEN; i++) {
      psi[i] = (2 * rng.nextDouble() - 1) * bound1;
    }
    for (; i < psi.length; i++) {
      psi[i] = (2 * rng.nextDouble() - 1) * bound2;
    }
    return psi;
  }

  private void resetOptimizer() {
    m = new double[psi.length];
    v = new double[psi.length];
    step = 0;
  }

  public String kind() {
    return kind;
  }

  public int size() {
    return n;
  }

  public double[] probabilities() {
    return softmax(logits(null));
  }

  /**
   * Fits p_ψ to the prior. Logits: set to log q. Perceptron: Adam on the squared error (the
   * official code's warm start), then the output bias absorbs the remaining error exactly
   * (softmax(z + log q − log p) = q).
   */
  public void warmStart(double[] prior) {
    if (kind.equals("logits")) {
      for (int i = 0; i < n; i++) {
        psi[i] = Math.log(prior[i]);
      }
    } else {
      double savedLr = 1e-2;
      for (int it = 0; it < 2000; it++) {
        double[] p = probabilities();
        double error = 0;
        double[] dp = new double[n];
        for (int i = 0; i < n; i++) {
          dp[i] = 2 * (p[i] - prior[i]);
          error += (p[i] - prior[i]) * (p[i] - prior[i]);
        }
        if (error < 1e-10) {
          break;
        }
        adam(gradient(softmaxBackward(p, dp)), savedLr);
      }
      double[] p = probabilities();
      int b2 = psi.length - n;
      for (int i = 0; i < n; i++) {
        psi[b2 + i] += Math.log(prior[i]) - Math.log(p[i]);
      }
    }
    resetOptimizer();
  }

  /** {@code steps} Adam steps on −Σ R̂_i log p_i. */
  public void update(double[] rewardHat, int steps) {
    for (int s = 0; s < steps; s++) {
      adam(gradient(lossGradientOnLogits(rewardHat)), lr);
    }
  }

  /** ∂L/∂ψ of the current ψ, for tests against finite differences. */
  double[] lossGradient(double[] rewardHat) {
    return gradient(lossGradientOnLogits(rewardHat));
  }

  /** L(ψ) = −Σ_i R̂_i log p_i. */
  double loss(double[] rewardHat) {
    double[] p = probabilities();
    double l = 0;
    for (int i = 0; i < n; i++) {
      l -= rewardHat[i] * Math.log(p[i]);
    }
    return l;
  }

  double[] psi() {
    return psi;
  }

  /** dL/dz_k = −R̂_k + p_k Σ_i R̂_i for L = −Σ R̂_i log softmax(z)_i. */
  private double[] lossGradientOnLogits(double[] rewardHat) {
    double[] p = probabilities();
    double total = 0;
    for (double r : rewardHat) {
      total += r;
    }
    double[] dz = new double[n];
    for (int k = 0; k < n; k++) {
      dz[k] = -rewardHat[k] + p[k] * total;
    }
    return dz;
  }

  /** dz from dp through softmax: dz_k = p_k (dp_k − Σ_i p_i dp_i). */
  private static double[] softmaxBackward(double[] p, double[] dp) {
    double dot = 0;
    for (int i = 0; i < p.length; i++) {
      dot += p[i] * dp[i];
    }
    double[] dz = new double[p.length];
    for (int k = 0; k < p.length; k++) {
      dz[k] = p[k] * (dp[k] - dot);
    }
    return dz;
  }

  /** Forward pass to the logits; fills {@code hidden} (length H) for the perceptron if given. */
  private double[] logits(double[] hidden) {
    if (kind.equals("logits")) {
      return psi.clone();
    }
    double[] h = hidden == null ? new double[HIDDEN] : hidden;
    int b1 = HIDDEN * n;
    for (int j = 0; j < HIDDEN; j++) {
      double a = psi[b1 + j];
      for (int i = 0; i < n; i++) {
        a += psi[j * n + i]; // input x = ones(N)
      }
      h[j] = Math.tanh(a);
    }
    int w2 = b1 + HIDDEN;
    int b2 = w2 + n * HIDDEN;
    double[] z = new double[n];
    for (int k = 0; k < n; k++) {
      double a = psi[b2 + k];
      for (int j = 0; j < HIDDEN; j++) {
        a += psi[w2 + k * HIDDEN + j] * h[j];
      }
      z[k] = a;
    }
    return z;
  }

  /** ∂/∂ψ from ∂/∂z (back through the perceptron when there is one). */
  private double[] gradient(double[] dz) {
    if (kind.equals("logits")) {
      return dz;
    }
    double[] h = new double[HIDDEN];
    logits(h);
    double[] g = new double[psi.length];
    int b1 = HIDDEN * n;
    int w2 = b1 + HIDDEN;
    int b2 = w2 + n * HIDDEN;
    double[] dh = new double[HIDDEN];
    for (int k = 0; k < n; k++) {
      g[b2 + k] = dz[k];
      for (int j = 0; j < HIDDEN; j++) {
        g[w2 + k * HIDDEN + j] = dz[k] * h[j];
        dh[j] += psi[w2 + k * HIDDEN + j] * dz[k];
      }
    }
    for (int j = 0; j < HIDDEN; j++) {
      double da = dh[j] * (1 - h[j] * h[j]);
      g[b1 + j] = da;
      for (int i = 0; i < n; i++) {
        g[j * n + i] = da; // × x_i = 1
      }
    }
    return g;
  }

  private void adam(double[] g, double rate) {
    step++;
    double b1 = 0.9;
    double b2 = 0.999;
    double c1 = 1 - Math.pow(b1, step);
    double c2 = 1 - Math.pow(b2, step);
    for (int i = 0; i < psi.length; i++) {
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      psi[i] -= rate * (m[i] / c1) / (Math.sqrt(v[i] / c2) + 1e-8);
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

  public State exportState() {
    return new State(kind, psi.clone(), m.clone(), v.clone(), step);
  }

  public void importState(State state) {
    if (!state.kind().equals(kind) || state.psi().length != psi.length) {
      throw new IllegalArgumentException("scorer state of another shape: " + state.kind());
    }
    psi = state.psi().clone();
    m = state.m().clone();
    v = state.v().clone();
    step = state.step();
  }
}
