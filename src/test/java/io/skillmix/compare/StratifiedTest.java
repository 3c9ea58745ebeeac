package io.skillmix.compare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.eval.EvalReport;
import io.skillmix.metrics.MetricsSink;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Aioli's protocol: each arm's mean held-out loss minus stratified's, Welch's p, steps to stratified's loss. */
class StratifiedTest {

  private static EvalReport report(double lossA, double lossB) {
    return new EvalReport("m", List.of(new EvalReport.Row("heldout/a", "loss", lossA, 10),
        new EvalReport.Row("heldout/b", "loss", lossB, 10)));
  }

  private static MetricsSink.Evaluated eval(long step, double loss) {
    return new MetricsSink.Evaluated(step, Map.of("a", loss, "b", loss), Map.of(), 0);
  }

  @Test
  void eachArmAgainstStratifiedByHand() {
    Map<String, List<EvalReport>> reports = new LinkedHashMap<>();
    // mean held-out losses per seed: stratified 2.0, 2.2, 2.4; better 1.5, 1.6, 1.7; same 2.0, 2.2, 2.4
    reports.put("uni", List.of(report(1.9, 2.1), report(2.1, 2.3), report(2.3, 2.5)));
    reports.put("better", List.of(report(1.5, 1.5), report(1.6, 1.6), report(1.7, 1.7)));
    reports.put("same", List.of(report(2.0, 2.0), report(2.2, 2.2), report(2.4, 2.4)));
    ResultTable table = new ResultTable(List.of(Column.MEAN_HELD_OUT_LOSS), reports);
    Map<String, List<List<MetricsSink.Evaluated>>> evaluations = new LinkedHashMap<>();
    evaluations.put("uni", List.of(List.of(eval(0, 3.0), eval(50, 2.5), eval(100, 2.2))));
    evaluations.put("better", List.of(List.of(eval(0, 3.0), eval(50, 2.1), eval(100, 1.6))));
    evaluations.put("same", List.of(List.of(eval(0, 3.0), eval(50, 2.6), eval(100, 2.3))));

    String md = Stratified.markdown(table, "uni", evaluations);
    Map<String, String[]> rows = Stratified.rows(md);
    assertEquals(List.of("better", "same"), List.copyOf(rows.keySet()), md);
    // Δ = 1.6 − 2.2; Welch's t = −0.6 / sqrt(0.01/3 + 0.04/3) = −4.648 on 2.94 df: p ≈ 0.0197
    assertArrayEquals(new String[] {"better", "3", "-0.6000", "0.020", "50"}, rows.get("better"), md);
    assertArrayEquals(new String[] {"same", "3", "+0.0000", "1.000", "not reached"}, rows.get("same"), md);
    assertTrue(md.contains("1 arm(s) better than uni, 0 worse"), md);
  }

  @Test
  void stratifiedIsTheUniformArmAndThereMayBeNone() {
    List<Arm> arms = List.of(new Arm("prop", List.of("mix.method=prop")), new Arm("flat", List.of("mix.method=uni")));
    assertEquals("flat", Stratified.arm(arms, "mos"));
    assertNull(Stratified.arm(List.of(new Arm("prop", List.of("mix.method=prop"))), "mos"));
    assertEquals("", Stratified.markdown(new ResultTable(List.of(Column.MEAN_HELD_OUT_LOSS), Map.of()), null, Map.of()));
  }
}
