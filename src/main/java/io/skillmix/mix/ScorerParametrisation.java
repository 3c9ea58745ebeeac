package io.skillmix.mix;

/**
 * How the scorer's parameters ψ give the logits z over N datasets (p_ψ = softmax(z)): one class per
 * {@link ScorerKind}. ψ is a flat array the {@link Scorer} owns and optimises.
 */
sealed interface ScorerParametrisation permits FreeLogits, Perceptron {

  /** ψ at creation; may draw from {@code rng}. */
  double[] initial(Rng rng);

  /** The forward pass: z, a fresh array. */
  double[] logits(double[] psi);

  /** ∂/∂ψ from ∂/∂z. */
  double[] backward(double[] psi, double[] dz);

  /** Sets ψ so that softmax(z) = {@code prior} where a closed form exists; false where ψ must be fitted. */
  boolean fitExactly(double[] psi, double[] prior);

  /** Adds {@code delta} to z for every input (to the output bias). */
  void shiftLogits(double[] psi, double[] delta);
}
