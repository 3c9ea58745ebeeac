package io.skillmix.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.eval.EvalReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.math3.distribution.TDistribution;
import org.junit.jupiter.api.Test;

class SignificanceTest {

  private static final double[] A = {1, 2, 3, 4, 5};
  private static final double[] B = {3, 5, 7, 9, 11};

  @Test
  void welchMatchesTheHandComputation() {
    // A: mean 3, s² = 10/4 = 2.5; B: mean 7, s² = 40/4 = 10; n = 5 each.
    // t = (3 − 7) / √(2.5/5 + 10/5) = −4 / √2.5 = −2.5298
    // df = (0.5 + 2)² / (0.5²/4 + 2²/4) = 6.25 / 1.0625 = 5.8824 (Welch–Satterthwaite)
    double t = -4 / Math.sqrt(2.5);
    double df = 6.25 / 1.0625;
    double expected = 2 * (1 - new TDistribution(df).cumulativeProbability(Math.abs(t)));
    assertEquals(expected, Significance.welch(A, B), 1e-12);
    // The same tail integrated numerically from the t density (python3, 200,000 midpoints): 0.0454646.
    assertEquals(0.0454646, Significance.welch(A, B), 1e-6);
    assertEquals(Significance.welch(A, B), Significance.welch(B, A), 1e-15, "two-sided");
  }

  @Test
  void noTestWithoutTwoSeedsOnEachSideOrWithoutSpread() {
    assertTrue(Double.isNaN(Significance.welch(new double[] {50}, A)));
    assertTrue(Double.isNaN(Significance.welch(A, new double[] {3})));
    assertTrue(Double.isNaN(Significance.welch(new double[] {2, 2}, new double[] {3, 3})));
    assertTrue(Significance.welch(new double[] {2, 2}, A) > 0, "one side with spread is enough");
  }

  @Test
  void theBestStaticArmIsTheBaselineAndOnlyBetterLearnedArmsAreListed() {
    Map<String, double[]> values = new LinkedHashMap<>();
    values.put("prop", A);
    values.put("uni", new double[] {0, 1, 0, 1, 0});
    values.put("mos", B);
    values.put("one", new double[] {50});
    Significance s = Significance.test("overall", 2, true, values, Set.of("prop", "uni"), Set.of("mos", "one"));
    assertEquals("prop", s.best());
    assertEquals("—", s.text("prop"));
    assertEquals("0.045", s.text("mos"));
    assertEquals("n/a", s.text("one"), "one seed: no test, however far its mean");
    assertEquals(List.of("mos"), s.betterLearned());
    assertEquals("overall: best static: prop (3.00); learned arms better at p < 0.05: mos (p = 0.045)", s.summary());

    // Lower is better: uni is the best static arm and no learned arm beats it.
    Significance low = Significance.test("loss", 2, false, values, Set.of("prop", "uni"), Set.of("mos", "one"));
    assertEquals("uni", low.best());
    assertEquals(List.of(), low.betterLearned());
    assertTrue(low.summary().endsWith("learned arms better at p < 0.05: none"), low.summary());

    assertNull(Significance.test("overall", 2, true, values, Set.of(), Set.of("mos")), "no static arm: no test");
    assertEquals("< 0.001", Significance.format(0.0004));
  }

  @Test
  void sensitivityIsTheStaticGapInPooledSeedStandardDeviations() {
    Map<String, double[]> statics = new LinkedHashMap<>();
    statics.put("prop", new double[] {10, 12}); // mean 11, s² = 2
    statics.put("uni", new double[] {4, 6}); // mean 5, s² = 2
    statics.put("temp", new double[] {8}); // mean 8, no degrees of freedom
    // pooled s² = (1·2 + 1·2 + 0) / (1 + 1 + 0) = 2, s = 1.414; gap 11 − 5 = 6 = 4.24 s
    assertEquals("mixture sensitivity (static arms): best − worst = 6.00 on overall (prop vs uni), = 4.2 × the"
        + " seeds' std (pooled sample std of the static arms: 1.41)", Sensitivity.line("overall", 2, true, statics));
    assertTrue(Sensitivity.line("loss", 2, false, statics).contains("(uni vs prop)"), "lower is better");
    assertNull(Sensitivity.line("overall", 2, true, Map.of("prop", new double[] {1, 2})), "one static arm");
    assertNull(Sensitivity.line("overall", 2, true, Map.of("prop", new double[] {1}, "uni", new double[] {2})),
        "one seed each");
  }

  /** A report whose two held-out losses average to {@code loss}. */
  private static EvalReport report(double overall, double loss) {
    return new EvalReport("m", List.of(new EvalReport.Row("overall", "score", overall, 4),
        new EvalReport.Row("heldout/a", "loss", loss - 0.1, 100), new EvalReport.Row("heldout/b", "loss", loss + 0.1, 100),
        new EvalReport.Row("heldout/a", "perplexity", Math.exp(loss - 0.1), 100)));
  }

  private static List<EvalReport> reports(double[] overall, double[] loss) {
    List<EvalReport> out = new ArrayList<>();
    for (int i = 0; i < overall.length; i++) {
      out.add(report(overall[i], loss[i]));
    }
    return out;
  }

  @Test
  void theTableHasAPValueColumnNextToEachTestedColumnAndTheLinesUnderIt() {
    Map<String, List<EvalReport>> byArm = new LinkedHashMap<>();
    byArm.put("prop", reports(A, new double[] {2.0, 2.1, 2.2, 2.1, 2.0}));
    byArm.put("uni", reports(new double[] {0, 1, 0, 1, 0}, new double[] {1.5, 1.6, 1.5, 1.6, 1.5}));
    byArm.put("mos", reports(B, new double[] {1.9, 2.0, 1.9, 2.0, 1.9}));
    byArm.put("one", reports(new double[] {50}, new double[] {1.0}));
    ResultTable t = new ResultTable(List.of(Column.OVERALL, Column.MEAN_HELD_OUT_LOSS), byArm)
        .withTests(Set.of("prop", "uni"), Set.of("mos", "one"), Column.TESTED);
    assertEquals(1.54, t.cell("uni", 1).mean(), 1e-9, "the mean of heldout/a and heldout/b loss");
    String md = t.markdown();
    assertTrue(md.startsWith("| arm | seeds | overall | p vs best static (overall) | mean held-out loss"
        + " | p vs best static (mean held-out loss) |\n"), md);
    assertTrue(md.contains("| prop | 5 | 3.00 ± 1.58 | — | 2.080 ± 0.084 |"), md);
    assertTrue(md.contains("| mos | 5 | 7.00 ± 3.16 | 0.045 |"), md);
    assertTrue(md.contains("| uni | 5 | 0.40 ± 0.55 | " + Significance.format(Significance.welch(t.seedValues("uni", 0), A))
        + " | 1.540 ± 0.055 | — |"), md);
    assertTrue(md.contains("| one | 1 | **50.00** | n/a | **1.000** | n/a |"), md);
    assertTrue(md.contains("- overall: best static: prop (3.00); learned arms better at p < 0.05: mos (p = 0.045)\n"), md);
    assertTrue(md.contains("- mean held-out loss: best static: uni (1.540); learned arms better at p < 0.05: none\n"), md);
    // overall: prop s² = 2.5, uni s² = 0.3; pooled s² = (4·2.5 + 4·0.3) / 8 = 1.4, s = 1.183; gap 2.6 = 2.2 s
    assertTrue(md.contains("- mixture sensitivity (static arms): best − worst = 2.60 on overall (prop vs uni), = 2.2 ×"
        + " the seeds' std (pooled sample std of the static arms: 1.18)\n"), md);
    String text = t.text();
    assertTrue(text.contains("overall: best static: prop (3.00)"), text);
    assertTrue(text.contains("mixture sensitivity (static arms): best − worst = 0.540 on mean held-out loss (uni vs prop)"), text);
    assertTrue(t.csv().contains("mos,p vs best static (overall),0.0454646,,5"), t.csv());
    assertTrue(t.csv().contains("prop,p vs best static (overall),—,,5"), t.csv());
  }

  @Test
  void aTableWithoutTestsIsAsBefore() {
    Map<String, List<EvalReport>> byArm = new LinkedHashMap<>();
    byArm.put("mos", reports(B, B));
    ResultTable t = new ResultTable(List.of(Column.OVERALL), byArm).withTests(Set.of(), Set.of("mos"), Column.TESTED);
    assertEquals("| arm | seeds | overall |\n|---|---:|---:|\n| mos | 5 | **7.00 ± 3.16** |\n", t.markdown());
    assertTrue(t.notes().isEmpty());
  }
}
