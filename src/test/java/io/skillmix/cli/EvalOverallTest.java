package io.skillmix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.eval.EvalReport;
import io.skillmix.eval.Evaluation;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvalOverallTest {

  @Test
  void theOverallScoreIsTheMeanOfTheFourSkillScores() {
    List<EvalReport.Row> rows = List.of(
        new EvalReport.Row("math", "exact_match", 0.10, 100),
        new EvalReport.Row("definitions", "accuracy", 0.40, 50),
        new EvalReport.Row("nlp", "accuracy", 0.30, 90),
        new EvalReport.Row("heldout/writing", "loss", 2.3, 900),
        new EvalReport.Row("heldout/writing", "perplexity", 10.0, 900));
    EvalReport.Row overall = Evaluation.overall(rows);
    assertEquals((10 + 40 + 30 + 10) / 4.0, overall.value(), 1e-12);
    assertTrue(Double.isNaN(Evaluation.overall(rows.subList(0, 2)).value()), "missing skills: no score");
  }

  @Test
  void theMeanHeldOutLossWeighsEachSkillAlikeAndLeavesTheNoiseSetOut() {
    List<EvalReport.Row> rows = List.of(
        new EvalReport.Row("heldout/math", "loss", 1.0, 5000),
        new EvalReport.Row("heldout/math", "perplexity", Math.E, 5000),
        new EvalReport.Row("heldout/writing", "loss", 2.0, 100),
        new EvalReport.Row("heldout/noise", "loss", 9.0, 800),
        new EvalReport.Row("nlp", "accuracy", 0.30, 90));
    EvalReport.Row mean = Evaluation.meanHeldOutLoss(rows);
    assertEquals(Evaluation.MEAN_HELD_OUT, mean.task());
    assertEquals(1.5, mean.value(), 1e-12);
    assertEquals(2, mean.n());
    assertTrue(Double.isNaN(Evaluation.meanHeldOutLoss(rows.subList(4, 5)).value()));
  }
}
