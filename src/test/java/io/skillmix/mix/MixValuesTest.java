package io.skillmix.mix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.UserError;
import io.skillmix.config.ConfigLoader;
import io.skillmix.run.RunSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Priors' and parsers' user errors, the learner's values, the sampler's edges, reward shapes. */
class MixValuesTest {

  /** The mixture settings of the default config with {@code overrides}. */
  static MixSettings mix(String... overrides) {
    return RunSettings.from(ConfigLoader.load(null, List.of(overrides))).mix();
  }

  @Test
  void priorsNameWhatTheUserMustFix() {
    long[] sizes = {10, 30};
    assertTrue(assertThrows(UserError.class, () -> mix("mix.method=temp", "mix.temp.temperature=-1")).getMessage()
        .startsWith("mix.temp.temperature = -1"));
    assertTrue(assertThrows(UserError.class, () -> mix("mix.method=mos", "mix.scorer.prior-temperature=0"))
        .getMessage().startsWith("mix.scorer.prior-temperature = "), "a learned method's prior is the scorer's key");
    String unknown = assertThrows(UserError.class, () -> mix("mix.method=zipf")).getMessage();
    assertTrue(unknown.startsWith("mix.method = 'zipf' is not one of ")
        && unknown.contains("prop, temp, uni, fixed, mos, multidds, multiuat"), unknown);
    assertArrayEquals(Prior.temperature(sizes, 3),
        mix("mix.method=multiuat", "mix.scorer.prior-temperature=3").plan().start(sizes).probabilities(), 1e-4,
        "a learned method starts from the temperature prior");
    assertTrue(assertThrows(UserError.class, () -> Prior.proportional(new long[] {10, 0})).getMessage()
        .contains("dataset 2"));
    assertThrows(UserError.class, () -> Prior.uniform(0));
    assertArrayEquals(new double[] {0.25, 0.75}, mix("mix.method=prop").plan().start(sizes).probabilities(), 1e-15);
    assertArrayEquals(new double[] {0.5, 0.5},
        mix("mix.method=temp", "mix.temp.temperature=inf").plan().start(sizes).probabilities(), 0);
    assertArrayEquals(new double[] {0.5, 0.5}, mix("mix.method=uni").plan().start(sizes).probabilities(), 0);
  }

  @Test
  void theKeysOfEarlierVersionsStillReadUnderTheirNewNames() {
    RunSettings s = RunSettings.from(ConfigLoader.load(null, List.of("mix.method=multidds", "mix.scorer=mlp",
        "mix.scorer-lr=0.05", "mix.ema=true", "mix.reward-batch-size=4", "mix.multidds-layers=1",
        "mix.prior-temperature=3", "mix.reward=diff")));
    assertEquals("mlp", s.config().getString("mix.scorer.kind"));
    assertEquals(0.05, s.config().getDouble("mix.scorer.lr"));
    assertTrue(s.config().getBoolean("mix.multidds.ema"));
    assertEquals(4, s.mix().plan().evaluator().batchSize());
    assertEquals(1, s.config().getInt("mix.multidds.layers"));
    assertEquals(3, s.config().getInt("mix.temp.temperature"));
    assertEquals("diff", s.config().getString("mix.mos.reward"));
    RunSettings both = RunSettings.from(ConfigLoader.load(null, List.of("mix.scorer-lr=0.05", "mix.scorer.lr=0.5")));
    assertEquals(0.5, both.config().getDouble("mix.scorer.lr"), "the new name wins");
    RunSettings auto = RunSettings.from(ConfigLoader.load(null, List.of("mix.ema=auto", "mix.reward-batch-size=0")));
    assertTrue(auto.config().getBoolean("mix.mos.ema"));
    // The built-in mix's reward of auto is diff.
    assertEquals(16, auto.mix().plan().evaluator().batchSize(), "0 meant the reward's own, diff's 16");
    RunSettings cossim = RunSettings.from(ConfigLoader.load(null, List.of("mix.reward=cossim", "mix.reward-batch-size=0")));
    assertEquals(64, cossim.mix().plan().evaluator().batchSize(), "0 meant the reward's own, cossim's 64");
  }

  @Test
  void aTinyDatasetAtALowTemperatureDoesNotUnderflow() {
    double[] p = Prior.temperature(new long[] {1, 1_000_000_000L}, 0.01);
    assertTrue(p[0] >= 0 && p[1] > 0.999);
    assertEquals(1, p[0] + p[1], 1e-15);
  }

  @Test
  void applyModeParsesEveryModeAndNamesTheKey() {
    assertEquals(ApplyMode.SYNC, ApplyMode.parse("sync"));
    assertEquals(ApplyMode.LAGGED, ApplyMode.parse(" Lagged"));
    assertEquals(ApplyMode.FREE, ApplyMode.parse("FREE"));
    for (String bad : new String[] {"later", "", null}) {
      UserError e = assertThrows(UserError.class, () -> ApplyMode.parse(bad));
      assertTrue(e.getMessage().startsWith("mix.apply = "), e.getMessage());
    }
  }

  @Test
  void theSamplerNeverDrawsADatasetOfProbabilityZero() {
    MixtureSampler sampler = new MixtureSampler(new double[] {0.1, 0.2, 0.7, 0}, 4);
    for (int i = 0; i < 20_000; i++) {
      assertTrue(sampler.next() < 3);
    }
    sampler.setProbabilities(new double[] {0, 2, 0, 0});
    for (int i = 0; i < 1_000; i++) {
      assertEquals(1, sampler.next());
    }
    assertArrayEquals(new double[] {0, 1, 0, 0}, sampler.probabilities(), 0, "normalised");
    assertThrows(IllegalArgumentException.class, () -> sampler.setProbabilities(new double[] {0, 0, 0, 0}));
    assertThrows(IllegalArgumentException.class, () -> sampler.setProbabilities(new double[] {-0.1, 1.1, 0, 0}));
    assertThrows(IllegalArgumentException.class, () -> sampler.setProbabilities(new double[] {0.5, 0.5}));
  }

  @Test
  void newProbabilitiesKeepTheSequenceOfUniformDraws() {
    // The same seed and the same probability changes give the same draws, whenever restored.
    MixtureSampler a = new MixtureSampler(new double[] {0.5, 0.5}, 9);
    MixtureSampler b = new MixtureSampler(new double[] {0.5, 0.5}, 9);
    for (int i = 0; i < 100; i++) {
      assertEquals(a.next(), b.next());
    }
    a.setProbabilities(new double[] {0.9, 0.1});
    MixtureSampler c = new MixtureSampler(new double[] {1, 1}, 0);
    c.importState(a.exportState());
    b.setProbabilities(new double[] {0.9, 0.1});
    for (int i = 0; i < 100; i++) {
      int x = a.next();
      assertEquals(x, b.next());
      assertEquals(x, c.next());
    }
  }

  @Test
  void emaStateRoundTripsAndDisabledPassesRewardsThrough() {
    RewardEma a = new RewardEma(3, 0.9, true);
    a.update(new double[] {0.2, 0.4, 0.6});
    RewardEma b = new RewardEma(3, 0.9, true);
    b.importState(a.exportState());
    double[] r = {1.5, 0, 3};
    assertArrayEquals(a.update(r), b.update(r), 0);
    assertArrayEquals(new double[] {0.9 * 1.5 + 0.1 * 0.28, 0.1 * 0.46, 0.9 * 3 + 0.1 * 0.64}, b.smoothed(), 1e-12);
    RewardEma off = new RewardEma(3, 0.9, false);
    off.update(new double[] {5, 5, 5});
    assertArrayEquals(r, off.update(r), 0, "no memory when disabled");
    assertTrue(assertThrows(UserError.class, () -> new RewardEma(3, 0, true)).getMessage().contains("ema-alpha"));
    assertThrows(IllegalArgumentException.class, () -> a.update(new double[] {1}));
    assertThrows(IllegalArgumentException.class, () -> a.importState(new double[] {1}));
  }

  @Test
  void rewardsRefuseRaggedOrEmptyInputs() {
    assertThrows(IllegalArgumentException.class, () -> CosSimReward.compute(new double[][] {{1, 2}, {1}}));
    assertThrows(IllegalArgumentException.class, () -> CosSimReward.compute(new double[0][]));
    assertThrows(IllegalArgumentException.class, () -> CosSimReward.computeSpecialist(new double[][] {{1}, {2}}, 2));
    assertThrows(IllegalArgumentException.class, () -> DiffReward.compute(new double[][] {{1}, {}}));
    assertThrows(IllegalArgumentException.class, () -> DiffReward.computeSpecialist(new double[][] {{1}}, -1));
    assertThrows(IllegalArgumentException.class,
        () -> MultiDdsReward.compute(new float[][] {{1, 2}}, new float[][] {{1, 2, 3}}));
  }

  @Test
  void cosSimWithAZeroEmbeddingAndMoSpecTargetGetsOne() {
    double[][] e = {{0, 0}, {3, 4}, {-3, -4}};
    assertArrayEquals(new double[] {0, 0, 0}, CosSimReward.compute(e), 1e-12, "(0+0+0)/3, (0+1-1)/3, (0-1+1)/3");
    assertArrayEquals(new double[] {0, -1, 1}, CosSimReward.computeSpecialist(e, 2), 1e-12);
  }

  @Test
  void multiDdsOnDoublesMatchesFloatsAndAveragesOverHeldOutSets() {
    double[][] train = {{1, 2, 0}, {0, 0, 0}, {-1, 0, 1}};
    double[][] dev = {{1, 2, 0}, {0, 1, 1}};
    double[] r = MultiDdsReward.compute(train, dev);
    double c = 2 / (Math.sqrt(5) * Math.sqrt(2));
    double d = 1 / (Math.sqrt(2) * Math.sqrt(2));
    assertArrayEquals(new double[] {(1 + c) / 2, 0, (-1 / (Math.sqrt(2) * Math.sqrt(5)) + d) / 2}, r, 1e-12);
    float[][] trainF = {{1, 2, 0}, {0, 0, 0}, {-1, 0, 1}};
    float[][] devF = {{1, 2, 0}, {0, 1, 1}};
    assertArrayEquals(r, MultiDdsReward.compute(trainF, devF), 1e-7);
  }
}
