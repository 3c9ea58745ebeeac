package io.skillmix.mix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.UserError;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The scorer beyond the paper's defaults: the warm start's gradient, the sampled update, checks. */
class ScorerTest {

  @ParameterizedTest
  @EnumSource(ScorerKind.class)
  void warmStartGradientEqualsFiniteDifferences(ScorerKind kind) {
    Scorer scorer = Scorer.create(kind, 3, 1e-4, 11);
    scorer.warmStart(new double[] {0.6, 0.3, 0.1});
    double[] prior = {0.2, 0.5, 0.3}; // away from the fit, so the gradient is not 0
    double[] analytic = scorer.squaredErrorGradient(prior);
    assertTrue(Arrays.stream(analytic).map(Math::abs).max().orElse(0) > 1e-3, "a gradient to test");
    assertGradientMatchesFiniteDifferences(scorer, analytic, () -> scorer.squaredError(prior), 1e-8);
  }

  /** Central differences (h = 1e-6) of {@code objective} in every coordinate of ψ. */
  static void assertGradientMatchesFiniteDifferences(Scorer scorer, double[] analytic,
      java.util.function.DoubleSupplier objective, double tolerance) {
    double[] psi = scorer.psi();
    assertEquals(psi.length, analytic.length);
    for (int i = 0; i < psi.length; i++) {
      double saved = psi[i];
      double h = 1e-6;
      psi[i] = saved + h;
      double plus = objective.getAsDouble();
      psi[i] = saved - h;
      double minus = objective.getAsDouble();
      psi[i] = saved;
      assertEquals((plus - minus) / (2 * h), analytic[i], tolerance, "ψ[" + i + "]");
    }
  }

  @ParameterizedTest
  @EnumSource(ScorerKind.class)
  void warmStartFitsAStronglySkewedPriorAndStartsAdamAfresh(ScorerKind kind) {
    double[] prior = Prior.proportional(new long[] {1, 1_000_000, 300, 50_000, 7});
    Scorer scorer = Scorer.create(kind, 5, 1e-4, 4);
    scorer.update(new double[] {1, 2, 3, 4, 5}, 3);
    scorer.warmStart(prior);
    assertArrayEquals(prior, scorer.probabilities(), 1e-4);
    for (int i = 0; i < prior.length; i++) {
      assertEquals(1, scorer.probabilities()[i] / prior[i], 1e-6, "relative error of the smallest too");
    }
    Scorer.State state = scorer.exportState();
    assertEquals(0, state.step());
    assertTrue(Arrays.stream(state.m()).allMatch(x -> x == 0) && Arrays.stream(state.v()).allMatch(x -> x == 0));
  }

  @ParameterizedTest
  @EnumSource(ScorerKind.class)
  void oneDefaultUpdateMovesTowardTheRewardShares(ScorerKind kind) {
    double[] rewards = {0.2, 0.3, 0.4, 0.1};
    Scorer scorer = Scorer.create(kind, 4, 1e-4, 8);
    scorer.warmStart(Prior.uniform(4));
    double before = distance(scorer.probabilities(), rewards);
    scorer.update(rewards, 200);
    double after = distance(scorer.probabilities(), rewards);
    assertTrue(after < before, before + " -> " + after);
  }

  @Test
  void theExpectedGradientVanishesAtTheRewardShares() {
    double[] rewards = {0.5, 1.5, 2.0};
    Scorer scorer = Scorer.create(ScorerKind.LOGITS, 3, 1e-4, 0);
    scorer.warmStart(new double[] {0.125, 0.375, 0.5});
    for (double g : scorer.lossGradient(rewards)) {
      assertEquals(0, g, 1e-12);
    }
  }

  @Test
  void theSampledUpdateFavoursTheBestDatasetAndIsReproducible() {
    double[] rewards = {1, 1, 2, 1};
    Scorer a = Scorer.create(ScorerKind.LOGITS, 4, 1e-2, 21);
    Scorer b = Scorer.create(ScorerKind.LOGITS, 4, 1e-2, 21);
    Scorer other = Scorer.create(ScorerKind.LOGITS, 4, 1e-2, 22);
    for (Scorer s : new Scorer[] {a, b, other}) {
      s.warmStart(Prior.uniform(4));
      s.update(Scorer.UpdateRule.SAMPLED, rewards, 1_000);
    }
    double[] p = a.probabilities();
    assertTrue(p[2] > 0.4, "best dataset gains: " + Arrays.toString(p));
    assertEquals(1, Arrays.stream(p).sum(), 1e-12);
    assertArrayEquals(p, b.probabilities(), 0, "same seed, same draws");
    assertNotEquals(Arrays.toString(p), Arrays.toString(other.probabilities()), "another seed, other draws");
    assertTrue(Double.isFinite(a.exportState().baseline()));
  }

  @Test
  void theSampledUpdateDrawsWithItsSeedAndKeepsAMovingBaseline() {
    double[] rewards = {1, 2, 3, 4};
    double[] uniform = Prior.uniform(4);
    long seed = 0;
    int a1;
    int a2;
    do { // a seed whose first two draws differ, so the baseline's mixing shows
      Rng rng = new Rng(++seed);
      a1 = rng.nextIndex(uniform);
      a2 = rng.nextIndex(uniform);
    } while (a1 == a2);
    Scorer scorer = Scorer.create(ScorerKind.LOGITS, 4, 1e-2, seed);
    scorer.warmStart(uniform);
    assertTrue(Double.isNaN(scorer.exportState().baseline()), "no baseline before the first step");
    scorer.updateSampled(rewards, 1);
    // The first step's advantage is R_a1 − b = 0: Adam sees a zero gradient and ψ stays.
    assertArrayEquals(uniform, scorer.probabilities(), 1e-15);
    assertEquals(rewards[a1], scorer.exportState().baseline(), 0);
    scorer.updateSampled(rewards, 1);
    assertEquals(0.9 * rewards[a1] + 0.1 * rewards[a2], scorer.exportState().baseline(), 1e-15);
    double[] p = scorer.probabilities();
    boolean better = rewards[a2] > rewards[a1];
    assertTrue(better ? p[a2] > 0.25 : p[a2] < 0.25, "a2 moves with the sign of its advantage: " + Arrays.toString(p));
  }

  @ParameterizedTest
  @EnumSource(ScorerKind.class)
  void sampledStateRoundTripContinuesIdentically(ScorerKind kind) {
    double[] rewards = {0.3, 0.9, 0.5};
    Scorer a = Scorer.create(kind, 3, 1e-3, 5);
    a.warmStart(Prior.uniform(3));
    a.updateSampled(rewards, 30);
    Scorer b = Scorer.create(kind, 3, 1e-3, 77);
    b.importState(a.exportState());
    a.updateSampled(rewards, 30);
    b.updateSampled(rewards, 30);
    assertArrayEquals(a.probabilities(), b.probabilities(), 0);
    assertEquals(a.exportState().rng(), b.exportState().rng());
    assertEquals(a.exportState().baseline(), b.exportState().baseline(), 0);
  }

  @Test
  void theStateIsACopyAndRefusesAnotherShape() {
    Scorer a = Scorer.create(ScorerKind.MLP, 3, 1e-3, 1);
    Scorer.State state = a.exportState();
    state.psi()[0] += 1;
    assertNotEquals(state.psi()[0], a.exportState().psi()[0]);
    assertThrows(IllegalArgumentException.class, () -> Scorer.create(ScorerKind.LOGITS, 3, 1e-3, 1).importState(state));
    assertThrows(IllegalArgumentException.class, () -> Scorer.create(ScorerKind.MLP, 4, 1e-3, 1).importState(state));
  }

  @Test
  void theSeedChoosesThePerceptronsInitialWeights() {
    assertArrayEquals(Scorer.create(ScorerKind.MLP, 3, 1e-4, 1).psi(), Scorer.create(ScorerKind.MLP, 3, 1e-4, 1).psi(), 0);
    assertNotEquals(Arrays.toString(Scorer.create(ScorerKind.MLP, 3, 1e-4, 1).psi()),
        Arrays.toString(Scorer.create(ScorerKind.MLP, 3, 1e-4, 2).psi()));
    assertEquals(64 * 3 + 64 + 3 * 64 + 3, Scorer.create(ScorerKind.MLP, 3, 1e-4, 1).psi().length);
  }

  @Test
  void badSettingsAndInputsAreRefused() {
    UserError kind = assertThrows(UserError.class, () -> ScorerKind.parse("mix.scorer.kind", "transformer"));
    assertEquals("mix.scorer.kind = 'transformer' is not one of logits, mlp", kind.getMessage());
    assertEquals(ScorerKind.MLP, ScorerKind.parse("mix.scorer.kind", " MLP"));
    UserError lr = assertThrows(UserError.class, () -> Scorer.create(ScorerKind.LOGITS, 3, 0, 0));
    assertTrue(lr.getMessage().contains("mix.scorer.lr"), lr.getMessage());
    UserError rule = assertThrows(UserError.class, () -> Scorer.UpdateRule.parse("mix.scorer.update", "greedy"));
    assertTrue(rule.getMessage().startsWith("mix.scorer.update = 'greedy'"), rule.getMessage());
    assertEquals(Scorer.UpdateRule.SAMPLED, Scorer.UpdateRule.parse("k", " Sampled "));
    assertEquals(Scorer.UpdateRule.EXPECTED, Scorer.UpdateRule.parse("k", "expected"));

    Scorer scorer = Scorer.create(ScorerKind.LOGITS, 3, 1e-4, 0);
    assertThrows(IllegalArgumentException.class, () -> scorer.update(new double[] {1, 1}, 1));
    assertThrows(IllegalArgumentException.class, () -> scorer.update(new double[] {1, Double.NaN, 1}, 1));
    assertThrows(IllegalArgumentException.class, () -> scorer.warmStart(new double[] {0.5, 0.5, 0}));
    assertThrows(IllegalArgumentException.class, () -> scorer.warmStart(new double[] {0.5, 0.5, 0.5}));
    assertArrayEquals(Prior.uniform(3), scorer.probabilities(), 1e-15, "a refused input changes nothing");
  }

  private static double distance(double[] a, double[] b) {
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      d += Math.abs(a[i] - b[i]);
    }
    return d;
  }
}
