package io.skillmix.compare;

import io.skillmix.data.builtin.BuiltinMix;
import io.skillmix.eval.EvalReport;
import io.skillmix.eval.Evaluation;
import java.util.ArrayList;
import java.util.List;

/**
 * One column of the comparison table: a metric read from each model's evaluation.
 *
 * @param label the header
 * @param task the evaluation row's task ({@code math}, {@code heldout/writing}, {@code overall},
 *     {@link Evaluation#MEAN_HELD_OUT})
 * @param metric the evaluation row's metric
 * @param scale the value is multiplied by this (100 for accuracies shown in percent)
 * @param higherIsBetter which end is marked best
 * @param decimals digits after the point in the table
 */
public record Column(String label, String task, String metric, double scale, boolean higherIsBetter, int decimals) {

  public Column(String label, String task, String metric, double scale, boolean higherIsBetter) {
    this(label, task, metric, scale, higherIsBetter, 2);
  }

  /** The overall skill score of the built-in mix. */
  public static final Column OVERALL = new Column("overall", "overall", "score", 1, true);

  /** The mean over the datasets of their held-out loss (every mix has it; the built-in noise set left out). */
  public static final Column MEAN_HELD_OUT_LOSS = new Column("mean held-out loss", Evaluation.MEAN_HELD_OUT, "loss", 1, false, 3);

  /** The columns each arm is tested in against the best static arm ({@link Significance}). */
  public static final List<String> TESTED = List.of(OVERALL.label(), MEAN_HELD_OUT_LOSS.label());

  /** The built-in mix: the four skills and the overall score, as the paper's Table 2; then the mean held-out loss. */
  public static final List<Column> BUILTIN = List.of(
      new Column("math EM %", "math", "exact_match", 100, true),
      new Column("definitions acc %", "definitions", "accuracy", 100, true),
      new Column("nlp acc %", "nlp", "accuracy", 100, true),
      new Column("writing ppl", "heldout/writing", "perplexity", 1, false),
      OVERALL,
      MEAN_HELD_OUT_LOSS);

  /**
   * The built-in mix's columns: {@link #BUILTIN} and, when the mix has its noise set, that set's
   * held-out loss (what training on it bought; the mean held-out loss leaves it out).
   */
  public static List<Column> builtin(List<String> datasets) {
    List<Column> columns = new ArrayList<>(BUILTIN);
    if (datasets.contains(BuiltinMix.NOISE)) {
      columns.add(new Column("noise loss", "heldout/" + BuiltinMix.NOISE, "loss", 1, false, 3));
    }
    return columns;
  }

  /** A user's mix: held-out perplexity per dataset (lower is better), then the mean held-out loss. */
  public static List<Column> heldOut(List<String> datasets) {
    List<Column> columns = new ArrayList<>();
    for (String d : datasets) {
      columns.add(new Column(d + " ppl", "heldout/" + d, "perplexity", 1, false));
    }
    columns.add(MEAN_HELD_OUT_LOSS);
    return columns;
  }

  /**
   * The scaled value. The mean held-out loss is computed from the report's held-out rows
   * ({@link Evaluation#meanHeldOutLoss}), so a report written before that row existed has it too.
   */
  public double read(EvalReport report) {
    if (task.equals(Evaluation.MEAN_HELD_OUT)) {
      return scale * Evaluation.meanHeldOutLoss(report.rows()).value();
    }
    return scale * report.value(task, metric);
  }
}
