package io.skillmix.mix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.UserError;
import io.skillmix.config.ConfigLoader;
import io.skillmix.run.RunSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The update rules of ODM, fms ODM, DynamixSFT and Aioli (DESIGN §9) against values worked out by
 * hand from their formulas, each agent built by its policy from settings as a run builds it.
 */
class OnlineMixersTest {

  private static final String TWO = "data.datasets=[{name=a, path=\"a.jsonl\"}, {name=b, path=\"b.jsonl\"}]";
  private static final double NAN = Double.NaN;

  private static MixSettings mix(String... overrides) {
    List<String> all = new ArrayList<>(List.of(TWO));
    all.addAll(List.of(overrides));
    return RunSettings.from(ConfigLoader.load(null, all)).mix();
  }

  private static MixturePolicy.StepLosses step(long step, double a, double b) {
    return new MixturePolicy.StepLosses(step, new double[] {a, b}, Double.isNaN(a) ? b : a, 1.0, Double.isNaN(b) ? 0 : 1);
  }

  private static double[] update(MixturePolicy.Agent agent, long version, List<MixturePolicy.StepLosses> steps,
      double[] rewards) {
    return agent.observe(new MixturePolicy.Observation(version, true, steps, rewards)).probabilities();
  }

  private static double eps(long t) {
    return Math.min(0.5, Math.sqrt(Math.log(2) / (2.0 * t)));
  }

  @Test
  void odmsSmoothedMeanUpdatesOnlyTheDrawnDatasetsAndMixesInEpsilon() {
    MixSettings odm = mix("mix.method=odm");
    assertEquals(1, odm.updateEvery(), "an update after every step");
    assertTrue(odm.plan().readsTrainingLosses() && !odm.plan().usesEvaluator(), "no extra pass");
    MixturePolicy.Agent agent = odm.plan().start(new long[] {10, 30});
    assertArrayEquals(new double[] {0.5, 0.5}, agent.probabilities(), 0, "the uniform prior");
    // t = 1: only a was drawn, R̂ = (0.1 e², 0); ε_1 = min(1/2, √(ln 2 / 2)) = 1/2: uniform.
    assertArrayEquals(new double[] {0.5, 0.5}, update(agent, 1, List.of(step(0, 2.0, NAN)), null), 1e-15);
    // t = 2: only b, R̂ = (0.1 e², 0.1 e); p_i = (1 − 2ε_2) R̂_i / Σ R̂ + ε_2.
    double e2 = eps(2);
    double ra = 0.1 * Math.exp(2);
    double rb = 0.1 * Math.exp(1);
    assertArrayEquals(new double[] {(1 - 2 * e2) * ra / (ra + rb) + e2, (1 - 2 * e2) * rb / (ra + rb) + e2},
        update(agent, 2, List.of(step(1, NAN, 1.0)), null), 1e-15);
    // t = 3: both drawn: R̂ ← 0.9 R̂ + 0.1 exp(L).
    double e3 = eps(3);
    ra = 0.9 * ra + 0.1 * Math.exp(0.5);
    rb = 0.9 * rb + 0.1 * Math.exp(3);
    assertArrayEquals(new double[] {(1 - 2 * e3) * ra / (ra + rb) + e3, (1 - 2 * e3) * rb / (ra + rb) + e3},
        update(agent, 3, List.of(step(2, 0.5, 3.0)), null), 1e-15);
  }

  @Test
  void odmsExp3IsCumulativeImportanceWeightedAndUsesThePreviousEpsilon() {
    MixturePolicy.Agent agent = mix("mix.method=odm", "mix.odm.rule=exp3").plan().start(new long[] {10, 30});
    // t = 1: R̂_a += (2/10) / 0.5 = 0.4; ε_1 = 1/2, so p = uniform whatever softmax(ε_0 R̂) is.
    assertArrayEquals(new double[] {0.5, 0.5}, update(agent, 1, List.of(step(0, 2.0, NAN)), null), 1e-15);
    // t = 2: R̂_b += (1/10) / 0.5 = 0.2; p = (1 − 2ε_2) softmax(ε_1 · (0.4, 0.2)) + ε_2, ε_1 = 1/2.
    double e2 = eps(2);
    double sa = Math.exp(0.5 * 0.4) / (Math.exp(0.5 * 0.4) + Math.exp(0.5 * 0.2));
    double[] p = update(agent, 2, List.of(step(1, NAN, 1.0)), null);
    assertArrayEquals(new double[] {(1 - 2 * e2) * sa + e2, (1 - 2 * e2) * (1 - sa) + e2}, p, 1e-15);
    // t = 3, S = 1: R̂_a += (3/10) / p_a, then softmax at ε_2.
    double e3 = eps(3);
    double rA = 0.4 + 0.3 / p[0];
    double sa3 = Math.exp(e2 * rA) / (Math.exp(e2 * rA) + Math.exp(e2 * 0.2));
    assertArrayEquals(new double[] {(1 - 2 * e3) * sa3 + e3, (1 - 2 * e3) * (1 - sa3) + e3},
        update(agent, 3, List.of(step(2, 3.0, NAN)), null), 1e-15);
  }

  @Test
  void odmsWarmUpKeepsThePriorAndCountsItsSteps() {
    MixturePolicy.Agent agent = mix("mix.method=odm", "mix.odm.warmup-steps=2", "mix.odm.prior-temperature=1")
        .plan().start(new long[] {10, 30});
    assertArrayEquals(new double[] {0.25, 0.75}, update(agent, 2, List.of(step(0, 2.0, 1.0), step(1, 2.0, 1.0)), null),
        1e-15, "t = 1, 2 are the warm-up, drawn from the prior");
    double e3 = eps(3);
    double ra = 0.1 * Math.exp(1);
    double rb = 0.1 * Math.exp(2);
    assertArrayEquals(new double[] {(1 - 2 * e3) * ra / (ra + rb) + e3, (1 - 2 * e3) * rb / (ra + rb) + e3},
        update(agent, 3, List.of(step(2, 1.0, 2.0)), null), 1e-15, "t = 3 counts the warm-up");
  }

  @Test
  void fmsOdmIsExp3OnLogWeightsWithTheCodesDefaults() {
    MixSettings fms = mix("mix.method=fms-odm");
    assertTrue(fms.plan().usesEvaluator() && fms.plan().evaluator().batchSize() == EvaluatorWork.ALL_HELD_OUT,
        "entropy over every held-out example");
    MixturePolicy.Agent agent = fms.plan().start(new long[] {10, 30});
    assertArrayEquals(new double[] {0.5, 0.5}, agent.probabilities(), 1e-15, "w = 1");
    // r̄ = (0.8, 0.2): log w_c += η (r̄_c / p_c) / K = 0.3 (r̄_c / 0.5) / 2; p = 0.9 w / Σ w + 0.05.
    double wa = Math.exp(0.3 * (0.8 / 0.5) / 2);
    double wb = Math.exp(0.3 * (0.2 / 0.5) / 2);
    double[] p = update(agent, 1, List.of(), new double[] {0.8, 0.2});
    assertArrayEquals(new double[] {0.9 * wa / (wa + wb) + 0.05, 0.9 * wb / (wa + wb) + 0.05}, p, 1e-15);
    // The next update divides by the probabilities it had then.
    double wa2 = wa * Math.exp(0.3 * (0.5 / p[0]) / 2);
    double wb2 = wb * Math.exp(0.3 * (0.5 / p[1]) / 2);
    assertArrayEquals(new double[] {0.9 * wa2 / (wa2 + wb2) + 0.05, 0.9 * wb2 / (wa2 + wb2) + 0.05},
        update(agent, 2, List.of(), new double[] {0.5, 0.5}), 1e-15);
  }

  @Test
  void fmsOdmsTrainingRewardsFillTheBufferOfTheDatasetDrawnLast() {
    MixSettings loss = mix("mix.method=fms-odm", "mix.fms-odm.reward=train_loss");
    assertTrue(loss.plan().readsTrainingLosses() && !loss.plan().usesEvaluator());
    MixturePolicy.Agent agent = loss.plan().start(new long[] {10, 30});
    // b drawn last with loss 2.5: buffers (1e-100, 2.5); the last step's value wins.
    MixturePolicy.Update u = agent.observe(new MixturePolicy.Observation(2, true, List.of(
        new MixturePolicy.StepLosses(0, new double[] {1, NAN}, 7.0, 1, 1),
        new MixturePolicy.StepLosses(1, new double[] {NAN, 2.5}, 2.5, 1, 1)), null));
    assertArrayEquals(new double[] {1e-100, 2.5}, u.rewards(), 0);
    double wa = Math.exp(0.3 * (1e-100 / 0.5) / 2);
    double wb = Math.exp(0.3 * (2.5 / 0.5) / 2);
    assertArrayEquals(new double[] {0.9 * wa / (wa + wb) + 0.05, 0.9 * wb / (wa + wb) + 0.05}, u.probabilities(), 1e-15);
    MixturePolicy.Agent grad = mix("mix.method=fms-odm", "mix.fms-odm.reward=gradnorm").plan().start(new long[] {1, 1});
    MixturePolicy.Update g = grad.observe(new MixturePolicy.Observation(1, true, List.of(
        new MixturePolicy.StepLosses(0, new double[] {1, NAN}, 1, 3.0, 0)), null));
    assertArrayEquals(new double[] {1 / (3.0 + 1e-4), 1e-100}, g.rewards(), 0);
  }

  @Test
  void dynamixSftAnchorsASoftmaxOfQToTheProportionalPriorWithAFloor() {
    MixSettings dyn = mix("mix.method=dynamixsft");
    assertEquals(50, dyn.updateEvery(), "the paper's T");
    assertEquals(16, dyn.plan().evaluator().batchSize());
    MixturePolicy.Agent agent = dyn.plan().start(new long[] {30, 10});
    // Q = 0: p = 0.7 p⁰ + 0.3 / 2 with p⁰ = (0.75, 0.25).
    assertArrayEquals(new double[] {0.7 * 0.75 + 0.15, 0.7 * 0.25 + 0.15}, agent.probabilities(), 1e-15);
    // r = (0.02, 0.01): min–max (1, 0); Q = 0.05 (1, 0); p_k = 0.7 e^{4 Q_k} p⁰_k / Σ + 0.15.
    double a = Math.exp(4 * 0.05) * 0.75;
    double b = 0.25;
    assertArrayEquals(new double[] {0.7 * a / (a + b) + 0.15, 0.7 * b / (a + b) + 0.15},
        update(agent, 50, List.of(), new double[] {0.02, 0.01}), 1e-15);
    // All equal: r̃ = 0.5 each; Q = 0.95 (0.05, 0) + 0.05 (0.5, 0.5).
    double qa = 0.95 * 0.05 + 0.025;
    double qb = 0.025;
    a = Math.exp(4 * qa) * 0.75;
    b = Math.exp(4 * qb) * 0.25;
    assertArrayEquals(new double[] {0.7 * a / (a + b) + 0.15, 0.7 * b / (a + b) + 0.15},
        update(agent, 100, List.of(), new double[] {0.3, 0.3}), 1e-15);
  }

  @Test
  void aioliSchedulesLearnParamsBlocksOnSmoothedOneHotMixturesThenTheRestOfTheRound() {
    MixSettings aioli = mix("mix.method=aioli", "mix.update-every=10", "mix.aioli.lp-rounds=2",
        "mix.aioli.lp-steps=2", "mix.aioli.one-hot-factor=0.75");
    MixturePolicy.Plan plan = aioli.plan();
    // LearnParams: 2 rounds × 2 steps × 2 datasets = 8 steps, then 2 steps on p; measurements at 0, 2, 4, 6.
    List<PolicyTiming.Point> points = new ArrayList<>();
    for (long s = 0; s <= 10; s++) {
      points.add(plan.after(s));
    }
    PolicyTiming.Point m = PolicyTiming.Point.MEASURE;
    PolicyTiming.Point n = PolicyTiming.Point.NONE;
    assertEquals(List.of(m, n, m, n, m, n, m, n, PolicyTiming.Point.UPDATE, n, m), points);
    for (long s = 0; s < 8; s++) {
      double[] w = plan.dictated(s);
      assertNotNull(w, "step " + s);
      assertTrue(Arrays.equals(w, new double[] {0.75, 0.25}) || Arrays.equals(w, new double[] {0.25, 0.75}));
      assertArrayEquals(w, plan.dictated(s - s % 2), 0, "a block keeps its mixture");
    }
    assertNull(plan.dictated(8));
    assertNull(plan.dictated(9));
    AioliRounds rounds = new AioliRounds(2, 2, 2, 10, 0.75, 42);
    for (long round = 0; round < 5; round++) {
      int[] order = rounds.order(round);
      assertEquals(4, order.length);
      assertEquals(1, order[0] + order[1], "each lp-round is a permutation of the datasets");
      assertEquals(1, order[2] + order[3]);
      assertArrayEquals(order, rounds.order(round), "the seed and the round alone decide it");
    }
    assertThrows(UserError.class, () -> mix("mix.method=aioli", "mix.update-every=8", "mix.aioli.lp-rounds=2",
        "mix.aioli.lp-steps=2"), "LearnParams must leave steps in the round");
  }

  @Test
  void aioliSolvesItsGainsAgainstTheMixturesAndTakesAnExponentiatedGradientStep() {
    MixSettings aioli = mix("mix.method=aioli", "mix.update-every=6", "mix.aioli.lp-rounds=1",
        "mix.aioli.lp-steps=2", "mix.aioli.one-hot-factor=0.75", "seed=7");
    MixturePolicy.Agent agent = aioli.plan().start(new long[] {10, 30});
    assertArrayEquals(new double[] {0.5, 0.5}, agent.probabilities(), 0, "stratified until the first round ends");
    int first = new AioliRounds(2, 1, 2, 6, 0.75, 7).order(0)[0];
    int second = 1 - first;
    assertNull(agent.observe(new MixturePolicy.Observation(0, false, List.of(), new double[] {2.0, 3.0})));
    assertNull(agent.observe(new MixturePolicy.Observation(2, false, List.of(), new double[] {1.8, 2.9})));
    double[] p = update(agent, 4, List.of(), new double[] {1.7, 2.5});
    // G[:, first] = (0.2, 0.1), G[:, second] = (0.1, 0.4); W⁻¹ = [[1.5, −0.5], [−0.5, 1.5]] (W = [[.75, .25], [.25, .75]]).
    double[][] g = new double[2][2];
    g[0][first] = 0.2;
    g[1][first] = 0.1;
    g[0][second] = 0.1;
    g[1][second] = 0.4;
    double[][] a = new double[2][2];
    for (int i = 0; i < 2; i++) {
      a[i][0] = 1.5 * g[i][0] - 0.5 * g[i][1];
      a[i][1] = -0.5 * g[i][0] + 1.5 * g[i][1];
    }
    double min = Math.min(Math.min(a[0][0], a[0][1]), Math.min(a[1][0], a[1][1]));
    double sum = 0;
    for (double[] row : a) {
      for (int j = 0; j < 2; j++) {
        row[j] -= Math.min(min, 0);
        sum += row[j];
      }
    }
    double c0 = (a[0][0] + a[1][0]) / sum;
    double c1 = (a[0][1] + a[1][1]) / sum;
    double e0 = Math.exp(0.2 * c0);
    double e1 = Math.exp(0.2 * c1);
    assertArrayEquals(new double[] {e0 / (e0 + e1), e1 / (e0 + e1)}, p, 1e-14);
    // The next round: Ā = 0.9 A' + 0.1 Ā; a missed measurement makes its round give no update.
    assertNull(agent.observe(new MixturePolicy.Observation(6, false, List.of(), new double[] {1.6, 2.4})));
    agent.missed(8);
    assertNull(agent.observe(new MixturePolicy.Observation(10, true, List.of(), new double[] {1.5, 2.3})));
    assertArrayEquals(p, agent.probabilities(), 0, "the probabilities stay as they were");
  }
}
