package io.skillmix.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.eval.EvalReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The "steps to best static" column and the rewards plot, on hand-made run folders. */
class ConvergenceTest {

  @TempDir Path dir;

  /**
   * A run folder whose metrics.jsonl has a weights line and one eval line per (step, score): held-out
   * losses a = 10 - score / 10 and b = 1 (so a higher score is a lower mean loss), and a noise set
   * whose loss, were it counted, would reverse every comparison.
   */
  private Path run(String name, double[][] overallByStep) throws IOException {
    Path run = Files.createDirectories(dir.resolve(name));
    List<String> lines = new ArrayList<>();
    lines.add("{\"event\":\"weights\",\"step\":0,\"version\":0,\"probs\":{\"a\":0.5,\"b\":0.5}}");
    for (double[] point : overallByStep) {
      lines.add(String.format(Locale.ROOT, "{\"event\":\"eval\",\"step\":%d,\"heldout_loss\":{\"a\":%s,\"b\":1.0,"
          + "\"noise\":%s},\"scores\":{\"overall\":NaN},\"seconds\":0.5}", (long) point[0], 10 - point[1] / 10,
          point[1]));
    }
    Files.write(run.resolve("metrics.jsonl"), lines);
    return run;
  }

  private Map<String, List<Path>> arms() throws IOException {
    Map<String, List<Path>> runs = new LinkedHashMap<>();
    // Static arms: prop ends at 30, uni at 25: the bar is 30.
    runs.put("prop", List.of(run("prop-1", new double[][] {{0, 10}, {100, 20}, {200, 30}})));
    runs.put("uni", List.of(run("uni-1", new double[][] {{0, 10}, {100, 25}, {200, 25}})));
    // Two seeds: their mean is 10, 29, 31: the bar is reached at 200.
    runs.put("mos-cossim", List.of(run("mos-1", new double[][] {{0, 10}, {100, 28}, {200, 30}}),
        run("mos-2", new double[][] {{0, 10}, {100, 30}, {200, 32}})));
    // Reaches 30 exactly at 100: equal counts as reached.
    runs.put("mos-diff", List.of(run("diff-1", new double[][] {{0, 10}, {100, 30}, {200, 29}})));
    runs.put("multiuat", List.of(run("uat-1", new double[][] {{0, 10}, {100, 12}, {200, 14}})));
    return runs;
  }

  @Test
  void eachArmGetsTheFirstEvalStepWhoseSeedMeanHeldOutLossReachesTheBestStaticFinalOne() throws IOException {
    // The overall score is NaN in every line (too few examples): the column does not need it.
    Map<String, String> steps = Convergence.stepsToBestStatic(Convergence.read(arms()), Set.of("prop", "uni"));
    assertEquals(Map.of("prop", "200", "uni", "not reached", "mos-cossim", "200", "mos-diff", "100",
        "multiuat", "not reached"), steps);
  }

  @Test
  void withoutEvaluationsTheColumnSaysNothing() throws IOException {
    Path bare = Files.createDirectories(dir.resolve("bare"));
    Files.writeString(bare.resolve("metrics.jsonl"),
        "{\"event\":\"weights\",\"step\":0,\"version\":0,\"probs\":{\"a\":0.5,\"b\":0.5}}\n");
    Map<String, List<Path>> runs = new LinkedHashMap<>(arms());
    runs.put("prop", List.of(bare));
    runs.put("uni", List.of(bare));
    Map<String, String> steps = Convergence.stepsToBestStatic(Convergence.read(runs), Set.of("prop", "uni"));
    assertEquals("–", steps.get("mos-cossim"), "no static arm was evaluated during training");
  }

  @Test
  void theColumnIsInTheTableAndArmsAreStaticByTheirMethod() throws IOException {
    String mos = "mos";
    assertTrue(Convergence.isStatic(Arm.parse("uni", null), mos));
    assertTrue(Convergence.isStatic(Arm.parse("only", "a"), mos));
    assertFalse(Convergence.isStatic(Arm.parse("mos-cossim-ema", null), "prop"));
    assertFalse(Convergence.isStatic(Arm.parse("multidds", null), "prop"));
    // An arm that sets no method trains with the comparison's; the last mix.method set wins.
    assertTrue(Convergence.isStatic(new Arm("lag", List.of("mix.apply=lagged")), "temp"));
    assertFalse(Convergence.isStatic(new Arm("lag", List.of("mix.apply=lagged")), mos));
    assertTrue(Convergence.isStatic(new Arm("x", List.of("mix.method=mos", "mix.method = \"uni\"")), mos));
    Map<String, List<EvalReport>> reports = new LinkedHashMap<>();
    reports.put("prop", List.of(new EvalReport("m", List.of(new EvalReport.Row("overall", "score", 30, 4)))));
    reports.put("mos-diff", List.of(new EvalReport("m", List.of(new EvalReport.Row("overall", "score", 31, 4)))));
    ResultTable table = new ResultTable(List.of(Column.BUILTIN.get(4)), reports)
        .withText(Convergence.LABEL, Map.of("prop", "200", "mos-diff", "100"));
    String markdown = table.markdown();
    assertTrue(markdown.startsWith("| arm | seeds | overall | steps to best static |\n|---|---:|---:|---:|\n"), markdown);
    assertTrue(markdown.contains("| mos-diff | 1 | **31.00** | 100 |"), markdown);
    assertTrue(table.text().contains("steps to best static"), table.text());
    assertTrue(table.csv().contains("mos-diff,steps to best static,100,,1"), table.csv());
  }

  @Test
  void aLearnedArmGetsARewardsPlotAndAStaticOneNone() throws IOException {
    Path learned = run("learned", new double[][] {{0, 10}});
    Files.writeString(learned.resolve("metrics.jsonl"), "{\"event\":\"rewards\",\"version\":100,"
        + "\"rewards\":{\"a\":0.5,\"b\":-0.1},\"smoothed\":{\"a\":0.45,\"b\":-0.09},\"probs\":{\"a\":0.6,\"b\":0.4},"
        + "\"evaluator_seconds\":1.0}\n", java.nio.file.StandardOpenOption.APPEND);
    assertEquals(1, RunFiles.rewards(learned).size());
    assertEquals(0.45, RunFiles.rewards(learned).get(0).smoothed().get("a"), 1e-12);
    Curves.rewards(dir.resolve("plots/rewards-mos.png"), "mos", List.of(learned));
    assertTrue(Files.size(dir.resolve("plots/rewards-mos.png")) > 0);
    Curves.rewards(dir.resolve("plots/rewards-prop.png"), "prop", List.of(run("static", new double[][] {{0, 10}})));
    assertFalse(Files.exists(dir.resolve("plots/rewards-prop.png")));
  }
}
