package io.skillmix.mix;

/** {@code mix.scorer.kind = logits}: ψ is the N logits themselves (the official code's form). */
final class FreeLogits implements ScorerParametrisation {

  private final int n;

  FreeLogits(int n) {
    this.n = n;
  }

  @Override
  public double[] initial(Rng rng) {
    return new double[n];
  }

  @Override
  public double[] logits(double[] psi) {
    return psi.clone();
  }

  @Override
  public double[] backward(double[] psi, double[] dz) {
    return dz;
  }

  /** Log prior: exact. */
  @Override
  public boolean fitExactly(double[] psi, double[] prior) {
    for (int i = 0; i < n; i++) {
      psi[i] = Math.log(prior[i]);
    }
    return true;
  }

  @Override
  public void shiftLogits(double[] psi, double[] delta) {
    for (int i = 0; i < n; i++) {
      psi[i] += delta[i];
    }
  }
}
