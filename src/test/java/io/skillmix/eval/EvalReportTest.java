package io.skillmix.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalReportTest {

  private static final EvalReport REPORT = new EvalReport("runs/demo/final", List.of(
      new EvalReport.Row("heldout/math", "loss", 1.23456, 5120),
      new EvalReport.Row("heldout/math", "perplexity", 3.4369, 5120),
      new EvalReport.Row("mmlu", "accuracy", 0.25, 14042),
      new EvalReport.Row("gsm8k", "exact_match", Double.NaN, 0)));

  @Test
  void tablePrintsOneAlignedRowPerTaskAndMetric() {
    String expected = String.join("\n",
        "model: runs/demo/final",
        "task          metric        value      n",
        "heldout/math  loss         1.2346   5120",
        "heldout/math  perplexity   3.4369   5120",
        "mmlu          accuracy     0.2500  14042",
        "gsm8k         exact_match       -      0",
        "");
    assertEquals(expected, REPORT.table());
  }

  @Test
  void jsonRoundTripsWithNullForUnmeasuredValues(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("sub/eval.json");
    REPORT.writeJson(file);
    String json = Files.readString(file);
    assertTrue(json.contains("\"value\": null"), json);
    assertTrue(json.contains("\"model\": \"runs/demo/final\""), json);
    EvalReport back = EvalReport.readJson(file);
    assertEquals(REPORT.model(), back.model());
    assertEquals(REPORT.rows().subList(0, 3), back.rows().subList(0, 3));
    assertTrue(Double.isNaN(back.value("gsm8k", "exact_match")));
    assertEquals(0.25, back.value("mmlu", "accuracy"));
    assertTrue(Double.isNaN(back.value("mmlu", "loss")));

    Path bad = Files.writeString(dir.resolve("bad.json"), "{\"model\": 3}");
    assertTrue(assertThrows(UserError.class, () -> EvalReport.readJson(bad)).getMessage()
        .startsWith(bad + ": not an evaluation report"));
  }
}
