package io.skillmix.compare;

import io.skillmix.eval.EvalReport;
import java.util.ArrayList;
import java.util.List;

/**
 * One column of the comparison table: a metric read from each model's evaluation.
 *
 * @param label the header
 * @param task the evaluation row's task ({@code math}, {@code heldout/writing}, {@code overall})
 * @param metric the evaluation row's metric
 * @param scale the value is multiplied by this (100 for accuracies shown in percent)
 * @param higherIsBetter which end is marked best
 */
public record Column(String label, String task, String metric, double scale, boolean higherIsBetter) {

  /** The built-in mix: the four skills and the overall score, as the paper's Table 2. */
  public static final List<Column> BUILTIN = List.of(
      new Column("math EM %", "math", "exact_match", 100, true),
      new Column("definitions acc %", "definitions", "accuracy", 100, true),
      new Column("nlp acc %", "nlp", "accuracy", 100, true),
      new Column("writing ppl", "heldout/writing", "perplexity", 1, false),
      new Column("overall", "overall", "score", 1, true));

  /** The mean held-out loss over the skills (the built-in noise set left out; lower is better). */
  public static final Column MEAN_HELD_OUT = new Column("mean held-out loss", "mean-heldout", "loss", 1, false);

  /**
   * The built-in mix's columns: {@link #BUILTIN}, the mean held-out loss and, when the mix has its
   * noise set, that set's held-out loss (what training on it bought).
   */
  public static List<Column> builtin(List<String> datasets) {
    List<Column> columns = new ArrayList<>(BUILTIN);
    columns.add(MEAN_HELD_OUT);
    if (datasets.contains(io.skillmix.data.builtin.BuiltinMix.NOISE)) {
      columns.add(new Column("noise loss", "heldout/" + io.skillmix.data.builtin.BuiltinMix.NOISE, "loss", 1, false));
    }
    return columns;
  }

  /** A user's mix: held-out perplexity per dataset and the mean held-out loss (lower is better). */
  public static List<Column> heldOut(List<String> datasets) {
    List<Column> columns = new ArrayList<>();
    for (String d : datasets) {
      columns.add(new Column(d + " ppl", "heldout/" + d, "perplexity", 1, false));
    }
    columns.add(MEAN_HELD_OUT);
    return columns;
  }

  public double read(EvalReport report) {
    return scale * report.value(task, metric);
  }
}
