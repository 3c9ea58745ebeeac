package io.skillmix.mix;

import java.util.function.IntFunction;

/**
 * The scorer's network ({@code mix.scorer}): its name is also the {@code kind} a checkpoint's
 * scorer state records, so the names stay as they are.
 */
public enum ScorerKind {
  /** N free logits: the official code's form. */
  LOGITS("logits", FreeLogits::new),
  /** The paper's perceptron: 64 tanh units. */
  MLP("mlp", Perceptron::new);

  private final String key;
  private final IntFunction<ScorerParametrisation> parametrisation;

  ScorerKind(String key, IntFunction<ScorerParametrisation> parametrisation) {
    this.key = key;
    this.parametrisation = parametrisation;
  }

  /** The parametrisation over {@code n} datasets. */
  ScorerParametrisation over(int n) {
    return parametrisation.apply(n);
  }

  /** Its value in {@code mix.scorer} and in a checkpoint's scorer state. */
  @Override
  public String toString() {
    return key;
  }

  /** The kind called {@code value}, or a UserError naming {@code key} and the choices. */
  public static ScorerKind parse(String key, String value) {
    return Choices.parse(key, value, values());
  }
}
