package io.skillmix.compare;

import io.skillmix.metrics.MetricsSink;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Every arm against stratified sampling, as Aioli (Chen et al., ICLR 2025, §5) reports online
 * mixers: the mean held-out loss of an arm minus that of stratified (uniform) sampling, averaged
 * over seeds (negative: the arm is better), Welch's two-sided p of the two arms' per-seed losses,
 * and the first evaluation step at which the arm's mean held-out loss reaches stratified's final
 * one. Stratified is the arm whose method is {@code uni} (the one named {@code uni} if several).
 * Aioli's finding is that no earlier method beats stratified in every setting; this section asks
 * the same of every arm here.
 */
final class Stratified {

  static final String TITLE = "Against stratified sampling";

  private Stratified() {}

  /** The stratified arm of {@code arms}, or null when no arm samples uniformly. */
  static String arm(List<Arm> arms, String baseMethod) {
    String found = null;
    for (Arm arm : arms) {
      if (arm.method(baseMethod).equals("uni") && (found == null || arm.name().equals("uni"))) {
        found = arm.name();
      }
    }
    return found;
  }

  /**
   * The section's markdown; empty when no arm is stratified or it has no finished seed.
   *
   * @param table the results, with {@link Column#MEAN_HELD_OUT_LOSS} among its columns
   * @param evaluations per arm, each finished seed's eval lines (for the steps column)
   */
  static String markdown(ResultTable table, String stratified,
      Map<String, List<List<MetricsSink.Evaluated>>> evaluations) {
    int column = table.column(Column.MEAN_HELD_OUT_LOSS.label());
    if (stratified == null || column < 0 || table.seedValues(stratified, column).length == 0) {
      return "";
    }
    double[] base = table.seedValues(stratified, column);
    double baseMean = Significance.mean(base);
    Map<String, String> steps = Convergence.stepsToBestStatic(evaluations, Set.of(stratified));
    StringBuilder md = new StringBuilder("## ").append(TITLE).append(" (").append(stratified)
        .append("), as Aioli reports online mixers\n\n")
        .append("| arm | seeds | Δ mean held-out loss | p vs ").append(stratified).append(" | steps to ")
        .append(stratified).append("'s final loss |\n|---|---:|---:|---:|---:|\n");
    int better = 0;
    int worse = 0;
    for (String arm : table.arms()) {
      if (arm.equals(stratified)) {
        continue;
      }
      double[] values = table.seedValues(arm, column);
      double delta = Significance.mean(values) - baseMean;
      double p = Significance.welch(values, base);
      if (p < Significance.LEVEL) {
        better += delta < 0 ? 1 : 0;
        worse += delta > 0 ? 1 : 0;
      }
      md.append("| ").append(arm).append(" | ").append(values.length).append(" | ")
          .append(Double.isNaN(delta) ? "–" : String.format(Locale.ROOT, "%+.4f", delta)).append(" | ")
          .append(Double.isNaN(p) ? "n/a" : Significance.format(p)).append(" | ")
          .append(steps.getOrDefault(arm, "–")).append(" |\n");
    }
    md.append(String.format(Locale.ROOT, "%nΔ: the arm's mean held-out loss minus %s's (%.4f), mean over seeds;"
        + " negative is better. At p < %s: %d arm(s) better than %s, %d worse.%n%n", stratified, baseMean,
        Significance.LEVEL, better, stratified, worse));
    return md.toString();
  }

  /** Per arm, its cells in the section, for tests and the CSV: Δ, p, steps. */
  static Map<String, String[]> rows(String markdown) {
    Map<String, String[]> out = new LinkedHashMap<>();
    for (String line : markdown.split("\n")) {
      if (line.startsWith("| ") && !line.startsWith("| arm ")) {
        String[] cells = line.substring(2, line.length() - 2).split(" \\| ");
        out.put(cells[0], cells);
      }
    }
    return out;
  }
}
