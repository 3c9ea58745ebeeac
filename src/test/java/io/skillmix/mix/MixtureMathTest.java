package io.skillmix.mix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.UserError;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MixtureMathTest {

  private static final long[] SIZES = {26_000, 5_000, 9_000, 63_000};

  @Test
  void temperatureOneIsProportionalInfinityUniformAndTenAsComputedByHand() {
    double total = 103_000;
    double[] prop = Prior.temperature(SIZES, 1);
    for (int i = 0; i < SIZES.length; i++) {
      assertEquals(SIZES[i] / total, prop[i], 1e-12);
    }
    assertArrayEquals(new double[] {0.25, 0.25, 0.25, 0.25}, Prior.temperature(SIZES, Double.POSITIVE_INFINITY), 1e-12);
    double[] ten = Prior.temperature(SIZES, 10);
    double z = 0;
    for (long n : SIZES) {
      z += Math.pow(n / total, 0.1);
    }
    for (int i = 0; i < SIZES.length; i++) {
      assertEquals(Math.pow(SIZES[i] / total, 0.1) / z, ten[i], 1e-12);
    }
    assertThrows(IllegalArgumentException.class, () -> Prior.temperature(SIZES, 0));
  }

  @ParameterizedTest
  @EnumSource(ScorerKind.class)
  void warmStartMatchesThePrior(ScorerKind kind) {
    double[] prior = Prior.temperature(SIZES, 10);
    Scorer scorer = Scorer.create(kind, 4, 1e-4, 3);
    scorer.warmStart(prior);
    assertArrayEquals(prior, scorer.probabilities(), 1e-4);
  }

  @ParameterizedTest
  @EnumSource(ScorerKind.class)
  void aDatasetWithAHigherRewardGainsProbability(ScorerKind kind) {
    Scorer scorer = Scorer.create(kind, 4, 1e-3, 3);
    scorer.warmStart(Prior.uniform(4));
    double[] before = scorer.probabilities();
    scorer.update(new double[] {1, 1, 2, 1}, 200);
    double[] after = scorer.probabilities();
    assertTrue(after[2] > before[2], "rewarded dataset gains");
    for (int i : new int[] {0, 1, 3}) {
      assertTrue(after[i] < before[i], "others lose");
    }
    assertEquals(1.0, sum(after), 1e-12);
  }

  @Test
  void positiveRewardsPullTheLogitsScorerTowardTheirShares() {
    double[] rewards = {0.5, 1.0, 2.0, 0.5};
    double[] target = {0.125, 0.25, 0.5, 0.125};
    Scorer scorer = Scorer.create(ScorerKind.LOGITS, 4, 1e-2, 1);
    scorer.warmStart(Prior.temperature(SIZES, 10));
    double before = distance(scorer.probabilities(), target);
    for (int i = 0; i < 20; i++) {
      scorer.update(rewards, 200);
    }
    double after = distance(scorer.probabilities(), target);
    assertTrue(after < before / 10, before + " -> " + after);
  }

  @ParameterizedTest
  @EnumSource(ScorerKind.class)
  void probabilitiesStayAValidDistributionUnderExtremeRewards(ScorerKind kind) {
    Scorer scorer = Scorer.create(kind, 4, 1e-2, 9);
    scorer.warmStart(Prior.uniform(4));
    for (double[] r : new double[][] {{100, -50, 0, 1}, {-1, -1, -1, -1}, {1e-9, 0, 5, 0}}) {
      scorer.update(r, 200);
      double[] p = scorer.probabilities();
      assertEquals(1.0, sum(p), 1e-9);
      for (double x : p) {
        assertTrue(x > 0 && Double.isFinite(x), java.util.Arrays.toString(p));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(ScorerKind.class)
  void analyticGradientsEqualFiniteDifferences(ScorerKind kind) {
    Scorer scorer = Scorer.create(kind, 4, 1e-4, 5);
    scorer.warmStart(Prior.temperature(SIZES, 3));
    double[] rewards = {0.9, 1.1, 0.7, 1.3};
    ScorerTest.assertGradientMatchesFiniteDifferences(scorer, scorer.lossGradient(rewards), () -> scorer.loss(rewards), 1e-6);
  }

  @Test
  void scorerStateRoundTripContinuesIdentically() {
    Scorer a = Scorer.create(ScorerKind.MLP, 4, 1e-3, 2);
    a.warmStart(Prior.uniform(4));
    a.update(new double[] {1, 2, 3, 4}, 50);
    Scorer b = Scorer.create(ScorerKind.MLP, 4, 1e-3, 99);
    b.importState(a.exportState());
    a.update(new double[] {4, 3, 2, 1}, 50);
    b.update(new double[] {4, 3, 2, 1}, 50);
    assertArrayEquals(a.probabilities(), b.probabilities(), 0);
  }

  @Test
  void cosSimOfIdenticalDatasetsIsOneAndOfOrthogonalOnesOneOverN() {
    double[][] same = {{1, 2, 3}, {2, 4, 6}, {0.5, 1, 1.5}};
    assertArrayEquals(new double[] {1, 1, 1}, CosSimReward.compute(same), 1e-12);
    double[][] orthogonal = {{1, 0, 0}, {0, 2, 0}, {0, 0, 3}};
    assertArrayEquals(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3}, CosSimReward.compute(orthogonal), 1e-12);
    double[][] mixed = {{1, 0}, {1, 1}, {0, 1}};
    double c = Math.sqrt(0.5);
    assertArrayEquals(new double[] {(1 + c) / 3, (c + 1 + c) / 3, (c + 1) / 3}, CosSimReward.compute(mixed), 1e-12);
    assertArrayEquals(new double[] {1, c, 0}, CosSimReward.computeSpecialist(mixed, 0), 1e-12);
  }

  @Test
  void diffRewardIsTheMeanRatioAndMoSpecDoublesTheTarget() {
    assertArrayEquals(new double[] {1, 1}, DiffReward.compute(new double[][] {{1, 1, 1}, {1}}), 0);
    double[][] ratios = {{0.5, 1.5}, {0.8, 0.6}};
    assertArrayEquals(new double[] {1.0, 0.7}, DiffReward.compute(ratios), 1e-12);
    assertArrayEquals(new double[] {1.0, 1.4}, DiffReward.computeSpecialist(ratios, 1), 1e-12);
    assertEquals(Math.exp(0.3), DiffReward.perplexityRatio(2.3, 2.0), 1e-12);
  }

  @Test
  void multiDdsAveragesGradientCosines() {
    float[][] train = {{1, 0}, {0, 1}};
    float[][] dev = {{1, 0}, {1, 1}};
    double c = Math.sqrt(0.5);
    assertArrayEquals(new double[] {(1 + c) / 2, (0 + c) / 2}, MultiDdsReward.compute(train, dev), 1e-12);
  }

  @Test
  void emaFollowsTheFormulaFromOne() {
    RewardEma ema = new RewardEma(2, 0.9, true);
    double[] expected = {1, 1};
    double[][] rewards = {{0.5, 2}, {1.5, 0}, {0.2, 0.4}};
    for (double[] r : rewards) {
      for (int i = 0; i < 2; i++) {
        expected[i] = 0.9 * r[i] + 0.1 * expected[i];
      }
      assertArrayEquals(expected, ema.update(r), 1e-12);
    }
    RewardEma off = new RewardEma(2, 0.9, false);
    assertArrayEquals(new double[] {0.5, 2}, off.update(new double[] {0.5, 2}), 0);
  }

  @Test
  void samplerDrawsFollowTheProbabilities() {
    double[] p = {0.5, 0.3, 0.15, 0.05};
    MixtureSampler sampler = new MixtureSampler(p, 12345);
    int draws = 100_000;
    long[] counts = new long[4];
    for (int i = 0; i < draws; i++) {
      counts[sampler.next()]++;
    }
    double chiSquare = 0;
    for (int i = 0; i < 4; i++) {
      double expected = draws * p[i];
      chiSquare += (counts[i] - expected) * (counts[i] - expected) / expected;
    }
    assertTrue(chiSquare < 16.27, "chi-square " + chiSquare + " over the 0.001 critical value for 3 dof");
    MixtureSampler.State state = sampler.exportState();
    int[] next = new int[50];
    for (int i = 0; i < next.length; i++) {
      next[i] = sampler.next();
    }
    MixtureSampler restored = new MixtureSampler(Prior.uniform(4), 0);
    restored.importState(state);
    for (int i = 0; i < next.length; i++) {
      assertEquals(next[i], restored.next(), "draw " + i);
    }
  }

  private static double sum(double[] p) {
    double s = 0;
    for (double x : p) {
      s += x;
    }
    return s;
  }

  private static double distance(double[] a, double[] b) {
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      d += Math.abs(a[i] - b[i]);
    }
    return d;
  }

  @Test
  void aFixedMixtureIsItsWeightsNormalisedAndEveryDatasetNeedsOne() {
    List<String> names = List.of("math", "nlp", "noise");
    assertArrayEquals(new double[] {0.7, 0.2, 0.1}, fixed(names, "{math = 7, nlp = 2, noise = 1}"), 1e-12);
    assertArrayEquals(new double[] {1, 0, 0}, fixed(names, "{math = 3, nlp = 0, noise = 0}"), 0);
    assertArrayEquals(new double[] {0.5, 0.5, 0}, fixed(names, "{math = 1e308, nlp = 1e308, noise = 0}"), 0,
        "weights near the largest double normalise without overflowing");
    UserError missing = assertThrows(UserError.class, () -> fixed(names, "{math = 1, nlp = 1}"));
    assertTrue(missing.getMessage().startsWith("mix.fixed.weights.noise is missing"), missing.getMessage());
    UserError unknown = assertThrows(UserError.class, () -> fixed(names, "{math = 1, nlp = 1, noise = 1, chat = 1}"));
    assertTrue(unknown.getMessage().contains("no dataset 'chat'"), unknown.getMessage());
    UserError negative = assertThrows(UserError.class, () -> fixed(names, "{math = -1, nlp = 1, noise = 1}"));
    assertTrue(negative.getMessage().startsWith("mix.fixed.weights.math = -1.0 is not a weight"), negative.getMessage());
    UserError zero = assertThrows(UserError.class, () -> fixed(names, "{math = 0, nlp = 0, noise = 0}"));
    assertTrue(zero.getMessage().startsWith("mix.fixed.weights are all 0"), zero.getMessage());
    UserError absent = assertThrows(UserError.class, () -> fixed(names, "{}"));
    assertTrue(absent.getMessage().startsWith("mix.fixed.weights is missing"), absent.getMessage());
  }

  private static double[] fixed(List<String> names, String weights) {
    com.typesafe.config.Config c = com.typesafe.config.ConfigFactory.parseString("mix.fixed.weights = " + weights)
        .withFallback(com.typesafe.config.ConfigFactory.defaultReference()).resolve();
    return new StaticPolicies.Fixed().plan(new MixturePolicy.Setup(new io.skillmix.config.ConfigSection(c, "mix"),
        names, false, 1)).start(new long[] {1, 1, 1}).probabilities();
  }
}
