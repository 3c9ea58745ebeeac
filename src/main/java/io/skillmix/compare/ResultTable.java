package io.skillmix.compare;

import io.skillmix.eval.EvalReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The comparison in the shape of the paper's Table 2: a row per arm, a column per skill and the
 * overall score, each cell the mean ± sample standard deviation over seeds; the best mean of each
 * column is marked.
 */
public final class ResultTable {

  /** Mean, sample standard deviation (NaN for one seed) and how many seeds gave a value. */
  public record Cell(double mean, double std, int n) {

    static Cell of(List<Double> values) {
      List<Double> finite = values.stream().filter(Double::isFinite).toList();
      int n = finite.size();
      if (n == 0) {
        return new Cell(Double.NaN, Double.NaN, 0);
      }
      double mean = finite.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      double ss = finite.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
      return new Cell(mean, n > 1 ? Math.sqrt(ss / (n - 1)) : Double.NaN, n);
    }
  }

  private final List<Column> columns;
  private final Map<String, List<Cell>> rows = new LinkedHashMap<>();
  private final Map<String, Integer> seeds = new LinkedHashMap<>();
  /** Columns of text per arm after the numeric ones (such as {@link Convergence#LABEL}), by label. */
  private final Map<String, Map<String, String>> texts = new LinkedHashMap<>();

  /** @param reports per arm, in table order, one evaluation per finished seed */
  public ResultTable(List<Column> columns, Map<String, List<EvalReport>> reports) {
    this.columns = List.copyOf(columns);
    for (Map.Entry<String, List<EvalReport>> e : reports.entrySet()) {
      List<Cell> cells = new ArrayList<>();
      for (Column c : columns) {
        cells.add(Cell.of(e.getValue().stream().map(c::read).toList()));
      }
      rows.put(e.getKey(), cells);
      seeds.put(e.getKey(), e.getValue().size());
    }
  }

  /** Adds a column of text after the numeric ones; an arm it does not name shows {@code –}. */
  public ResultTable withText(String label, Map<String, String> byArm) {
    texts.put(label, Map.copyOf(byArm));
    return this;
  }

  /** The text of a column added by {@link #withText}. */
  public String text(String label, String arm) {
    return texts.get(label).getOrDefault(arm, "–");
  }

  public Cell cell(String arm, int column) {
    return rows.get(arm).get(column);
  }

  /** Whether an arm's mean is the best of its column (ties are all best; no value is never best). */
  public boolean isBest(String arm, int column) {
    double v = cell(arm, column).mean();
    if (!Double.isFinite(v)) {
      return false;
    }
    boolean higher = columns.get(column).higherIsBetter();
    return rows.keySet().stream().map(a -> cell(a, column).mean()).filter(Double::isFinite)
        .allMatch(other -> higher ? other <= v : other >= v);
  }

  /** GitHub markdown; the best mean of each column in bold. */
  public String markdown() {
    StringBuilder out = new StringBuilder("| arm | seeds |");
    columns.forEach(c -> out.append(' ').append(c.label()).append(" |"));
    texts.keySet().forEach(label -> out.append(' ').append(label).append(" |"));
    out.append("\n|---|---:|");
    columns.forEach(c -> out.append("---:|"));
    texts.keySet().forEach(label -> out.append("---:|"));
    out.append('\n');
    for (String arm : rows.keySet()) {
      out.append("| ").append(arm).append(" | ").append(seeds.get(arm)).append(" |");
      for (int c = 0; c < columns.size(); c++) {
        String text = format(cell(arm, c));
        out.append(' ').append(isBest(arm, c) ? "**" + text + "**" : text).append(" |");
      }
      texts.keySet().forEach(label -> out.append(' ').append(text(label, arm)).append(" |"));
      out.append('\n');
    }
    return out.toString();
  }

  /** Fixed-width text for the console; the best mean of each column followed by {@code *}. */
  public String text() {
    List<String[]> lines = new ArrayList<>();
    List<String> labels = new ArrayList<>(texts.keySet());
    String[] header = new String[columns.size() + 2 + labels.size()];
    header[0] = "arm";
    header[1] = "seeds";
    for (int c = 0; c < columns.size(); c++) {
      header[c + 2] = columns.get(c).label();
    }
    for (int t = 0; t < labels.size(); t++) {
      header[columns.size() + 2 + t] = labels.get(t);
    }
    lines.add(header);
    for (String arm : rows.keySet()) {
      String[] line = new String[header.length];
      line[0] = arm;
      line[1] = Integer.toString(seeds.get(arm));
      for (int c = 0; c < columns.size(); c++) {
        line[c + 2] = format(cell(arm, c)) + (isBest(arm, c) ? " *" : "  ");
      }
      for (int t = 0; t < labels.size(); t++) {
        line[columns.size() + 2 + t] = text(labels.get(t), arm);
      }
      lines.add(line);
    }
    int[] width = new int[header.length];
    for (String[] line : lines) {
      for (int i = 0; i < line.length; i++) {
        width[i] = Math.max(width[i], line[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] line : lines) {
      for (int i = 0; i < line.length; i++) {
        String pad = " ".repeat(width[i] - line[i].length());
        out.append(i == 0 ? line[i] + pad : pad + line[i]).append(i + 1 < line.length ? "  " : "\n");
      }
    }
    return out.append("* best mean in its column\n").toString();
  }

  /** One line per arm and column: arm, column, mean, std, n. */
  public String csv() {
    StringBuilder out = new StringBuilder("arm,column,mean,std,seeds\n");
    for (String arm : rows.keySet()) {
      for (int c = 0; c < columns.size(); c++) {
        Cell cell = cell(arm, c);
        out.append(String.format(Locale.ROOT, "%s,%s,%s,%s,%d%n", arm, columns.get(c).label(),
            number(cell.mean()), number(cell.std()), cell.n()));
      }
      for (String label : texts.keySet()) {
        // A text column has no spread: its value in the mean column (a step, or the text as is).
        out.append(String.format(Locale.ROOT, "%s,%s,%s,,%d%n", arm, label, text(label, arm), seeds.get(arm)));
      }
    }
    return out.toString();
  }

  private static String format(Cell cell) {
    if (cell.n() == 0) {
      return "–";
    }
    return Double.isNaN(cell.std()) ? String.format(Locale.ROOT, "%.2f", cell.mean())
        : String.format(Locale.ROOT, "%.2f ± %.2f", cell.mean(), cell.std());
  }

  private static String number(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "";
  }
}
