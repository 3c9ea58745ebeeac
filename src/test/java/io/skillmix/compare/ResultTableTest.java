package io.skillmix.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.eval.EvalReport;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultTableTest {

  private static final List<Column> COLUMNS = List.of(
      new Column("acc %", "nlp", "accuracy", 100, true),
      new Column("ppl", "heldout/writing", "perplexity", 1, false));

  private static EvalReport report(double accuracy, double perplexity) {
    return new EvalReport("m", List.of(new EvalReport.Row("nlp", "accuracy", accuracy, 10),
        new EvalReport.Row("heldout/writing", "perplexity", perplexity, 10)));
  }

  private static ResultTable table() {
    Map<String, List<EvalReport>> reports = new LinkedHashMap<>();
    reports.put("a", List.of(report(0.5, 10), report(0.7, 12), report(0.6, 14)));
    reports.put("b", List.of(report(0.4, 9), report(0.4, 9)));
    reports.put("c", List.of());
    return new ResultTable(COLUMNS, reports);
  }

  @Test
  void cellsAreMeanAndSampleStandardDeviation() {
    ResultTable t = table();
    assertEquals(60.0, t.cell("a", 0).mean(), 1e-9);
    assertEquals(10.0, t.cell("a", 0).std(), 1e-9); // 50, 70, 60: sample std 10
    assertEquals(12.0, t.cell("a", 1).mean(), 1e-9);
    assertEquals(2.0, t.cell("a", 1).std(), 1e-9);
    assertEquals(0.0, t.cell("b", 1).std(), 1e-12);
    assertEquals(0, t.cell("c", 0).n());
  }

  @Test
  void bestFollowsTheColumnsDirection() {
    ResultTable t = table();
    assertTrue(t.isBest("a", 0));
    assertFalse(t.isBest("b", 0));
    assertTrue(t.isBest("b", 1), "lower perplexity is better");
    assertFalse(t.isBest("c", 1), "an arm with no value is never best");
  }

  @Test
  void markdownAndCsvCarryEveryCell() {
    ResultTable t = table();
    String md = t.markdown();
    assertTrue(md.contains("| a | 3 | **60.00 ± 10.00** | 12.00 ± 2.00 |"), md);
    assertTrue(md.contains("| b | 2 | 40.00 ± 0.00 | **9.00 ± 0.00** |"), md);
    assertTrue(md.contains("| c | 0 | – | – |"), md);
    String csv = t.csv();
    assertTrue(csv.contains("a,acc %,60.0000,10.0000,3"), csv);
    assertTrue(csv.contains("c,ppl,,,0"), csv);
    assertTrue(t.text().contains("*"), t.text());
  }

  @Test
  void nonFiniteValuesAreLeftOutOfTheMean() {
    Map<String, List<EvalReport>> reports = new LinkedHashMap<>();
    reports.put("a", List.of(report(Double.NaN, 10), report(0.5, 10)));
    ResultTable t = new ResultTable(COLUMNS, reports);
    assertEquals(1, t.cell("a", 0).n());
    assertEquals(50.0, t.cell("a", 0).mean(), 1e-9);
    assertTrue(Double.isNaN(t.cell("a", 0).std()));
  }

  @Test
  void theSystemTableIsMeanAndStdOverSeedsAndMarksNothing() {
    Map<String, List<io.skillmix.metrics.SystemFigures>> figures = new LinkedHashMap<>();
    // wall, train, wait, real tokens, evaluator s, updates, staleness mean/max, sent, skipped, latency mean/max
    figures.put("lagged-4", List.of(
        new io.skillmix.metrics.SystemFigures(100, 60, 20, 5000, 50, 4, 4, 4, 4, 0, 2, 3),
        new io.skillmix.metrics.SystemFigures(120, 70, 30, 5000, 70, 4, 4, 4, 4, 0, 4, 5)));
    figures.put("sync", List.of());
    ResultTable t = ResultTable.system(figures);
    int wall = SystemColumn.WALL.ordinal();
    assertEquals(110.0, t.cell("lagged-4", wall).mean(), 1e-9);
    assertEquals(Math.sqrt(200), t.cell("lagged-4", wall).std(), 1e-9);
    assertEquals(27.5, t.cell("lagged-4", SystemColumn.WAITING.ordinal()).mean(), 1e-9); // 25 % and 30 %
    assertEquals(4.0, t.cell("lagged-4", SystemColumn.STALENESS_MAX.ordinal()).mean());
    assertFalse(t.isBest("lagged-4", wall), "no end of a system figure is best");
    String md = t.markdown();
    assertTrue(md.contains("| lagged-4 | 2 | 110.0 ± 14.1 |") && md.contains("| 4 ± 0 | 0 ± 0 |") && !md.contains("**"), md);
    assertTrue(md.contains("| sync | 0 | – |"), md);
  }
}
