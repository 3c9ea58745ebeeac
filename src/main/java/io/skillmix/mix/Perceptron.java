package io.skillmix.mix;

/**
 * {@code mix.scorer.kind = mlp}: the paper's perceptron. Input a vector of ones marking the available
 * datasets, hidden 64 tanh units, output N logits. Layout of ψ: W1 (H×N), b1 (H), W2 (N×H), b2 (N),
 * row-major.
 */
final class Perceptron implements ScorerParametrisation {

  /** Hidden units (the paper's 64). */
  static final int HIDDEN = 64;

  private final int n;

  Perceptron(int n) {
    this.n = n;
  }

  @Override
  public double[] initial(Rng rng) {
    double[] psi = new double[HIDDEN * n + HIDDEN + n * HIDDEN + n];
    // PyTorch's nn.Linear default: U(−1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases.
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

  @Override
  public double[] logits(double[] psi) {
    return forward(psi, new double[HIDDEN]);
  }

  /** z, filling {@code h} with the hidden activations. */
  private double[] forward(double[] psi, double[] h) {
    int b1 = HIDDEN * n;
    for (int j = 0; j < HIDDEN; j++) {
      double a = psi[b1 + j];
      for (int i = 0; i < n; i++) {
        a += psi[j * n + i]; // × x_i = 1: every dataset is available
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

  /**
   * dW2_kj = dz_k h_j, db2 = dz, dh_j = Σ_k W2_kj dz_k, da_j = dh_j (1 − h_j²), dW1_ji = da_j x_i =
   * da_j, db1 = da.
   */
  @Override
  public double[] backward(double[] psi, double[] dz) {
    double[] h = new double[HIDDEN];
    forward(psi, h);
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
        g[j * n + i] = da;
      }
    }
    return g;
  }

  /** No closed form through the tanh layer: the scorer fits it with Adam. */
  @Override
  public boolean fitExactly(double[] psi, double[] prior) {
    return false;
  }

  @Override
  public void shiftLogits(double[] psi, double[] delta) {
    int b2 = psi.length - n;
    for (int i = 0; i < n; i++) {
      psi[b2 + i] += delta[i];
    }
  }
}
