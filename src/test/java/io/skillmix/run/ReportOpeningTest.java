package io.skillmix.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.metrics.MetricsSink;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The three sentences report.md opens with, from hand-made weights, rewards and evaluations. */
class ReportOpeningTest {

  private static final List<String> NAMES = List.of("math", "writing", "noise");

  private static MetricsSink.Evaluated eval(long step, double math, double writing, double noise) {
    Map<String, Double> loss = new LinkedHashMap<>();
    loss.put("math", math);
    loss.put("writing", writing);
    loss.put("noise", noise);
    return new MetricsSink.Evaluated(step, loss, Map.of(), 1.0);
  }

  @Test
  void aLearnedMixtureSaysWhereItMovedWhyAndWhatTheHeldOutLossDid() {
    ReportOpening.Facts facts = new ReportOpening.Facts(NAMES, new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0},
        new double[] {0.25, 0.45, 0.30}, 19, 200, "mos", true, "diff", new double[] {0.52, 0.91, 0.60},
        eval(0, 4.5, 2.0, 3.5), eval(200, 0.8, 1.9, 2.1));
    String text = ReportOpening.sentences(facts);
    assertEquals("The mixture moved from math 0.333, writing 0.333, noise 0.333 to math 0.250, writing 0.450,"
        + " noise 0.300 over 19 updates of mos in 200 steps."
        + " It favoured writing (+0.117) and moved away from math (-0.083) and noise (-0.033), following the diff"
        + " reward (a dataset's perplexity now over its perplexity at the start, high where the model has improved"
        + " least), which at the last update (smoothed) was math 0.520, writing 0.910, noise 0.600: highest for"
        + " writing, lowest for math."
        + " Held-out loss per dataset (nats per response token) from step 0 to step 200: math 4.500 → 0.800,"
        + " writing 2.000 → 1.900 and noise 3.500 → 2.100.\n", text);
  }

  @Test
  void aFixedMixtureSaysSoAndAMissingEvaluationIsNamed() {
    double[] prop = {0.2, 0.1, 0.7};
    String text = ReportOpening.sentences(new ReportOpening.Facts(NAMES, prop, prop, 0, 50, "prop", false, null, null,
        null, null));
    assertTrue(text.startsWith("The mixture stayed at math 0.200, writing 0.100, noise 0.700 for all 50 steps:"
        + " prop is a fixed mixture. It favoured no dataset over another. Held-out loss was not measured"), text);
    assertTrue(text.contains("eval.every"), text);
  }

  @Test
  void aLearnedMixtureWithoutUpdatesPointsAtTheUpdateInterval() {
    double[] uniform = {1 / 3.0, 1 / 3.0, 1 / 3.0};
    String text = ReportOpening.sentences(new ReportOpening.Facts(NAMES, uniform, uniform, 0, 8, "mos", true, "cossim",
        null, eval(0, 1, 1, 1), eval(8, 0.9, 0.9, 0.9)));
    assertTrue(text.startsWith("The mixture stayed at math 0.333, writing 0.333, noise 0.333: mos applied no update"
        + " in 8 steps (mix.update-every"), text);
    assertTrue(text.contains("from step 0 to step 8: math 1.000 → 0.900"), text);
  }
}
