package io.skillmix.compare;

import io.skillmix.eval.EvalReport;
import io.skillmix.metrics.SystemFigures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The comparison in the shape of the paper's Table 2: a row per arm, a column per skill and the
 * overall score, each cell the mean ± sample standard deviation over seeds; the best mean of each
 * column is marked. With {@link #withTests}, the tested columns have a p-value column next to them
 * ({@link Significance}) and lines under the table: the best static arm, the learned arms better
 * than it, and how much the static mixtures differ ({@link Sensitivity}). The system table
 * ({@link #system}) has the same shape, unmarked.
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

  /**
   * A column's header and which end is best.
   *
   * @param higherIsBetter null: no end is (a system figure), nothing is marked
   */
  record Header(String label, Boolean higherIsBetter, int decimals) {

    Header(String label, Boolean higherIsBetter) {
      this(label, higherIsBetter, 2);
    }
  }

  private final List<Header> columns;
  private final Map<String, List<Cell>> rows = new LinkedHashMap<>();
  private final Map<String, Integer> seeds = new LinkedHashMap<>();
  /** Per arm, one row of values per finished seed: what the tests read. */
  private final Map<String, List<double[]>> values;
  /** The tests against the best static arm, by column index. */
  private final Map<Integer, Significance> tests = new LinkedHashMap<>();
  /** The lines under the table. */
  private final List<String> notes = new ArrayList<>();
  /** Columns of text per arm after the numeric ones (such as {@link Convergence#LABEL}), by label. */
  private final Map<String, Map<String, String>> texts = new LinkedHashMap<>();

  /** @param reports per arm, in table order, one evaluation per finished seed */
  public ResultTable(List<Column> columns, Map<String, List<EvalReport>> reports) {
    this(values(reports, r -> columns.stream().mapToDouble(c -> c.read(r)).toArray()),
        columns.stream().map(c -> new Header(c.label(), c.higherIsBetter(), c.decimals())).toList());
  }

  /** @param values per arm, in table order, one row of values per finished seed */
  private ResultTable(Map<String, List<double[]>> values, List<Header> columns) {
    this.columns = List.copyOf(columns);
    this.values = values;
    for (Map.Entry<String, List<double[]>> e : values.entrySet()) {
      List<Cell> cells = new ArrayList<>();
      for (int c = 0; c < columns.size(); c++) {
        int column = c;
        cells.add(Cell.of(e.getValue().stream().map(v -> v[column]).toList()));
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

  /**
   * Tests each arm against the best static arm in the columns named {@code labels} that the table
   * has, and adds the lines under it: per column, the best static arm and the learned arms better
   * than it; with two static arms or more, the mixture sensitivity.
   */
  public ResultTable withTests(Set<String> staticArms, Set<String> learnedArms, List<String> labels) {
    for (int c = 0; c < columns.size(); c++) {
      Header h = columns.get(c);
      if (!labels.contains(h.label()) || h.higherIsBetter() == null) {
        continue;
      }
      Map<String, double[]> byArm = new LinkedHashMap<>();
      for (String arm : rows.keySet()) {
        byArm.put(arm, seedValues(arm, c));
      }
      Significance test = Significance.test(h.label(), h.decimals(), h.higherIsBetter(), byArm, staticArms, learnedArms);
      if (test != null) {
        tests.put(c, test);
        notes.add(test.summary());
      }
      Map<String, double[]> statics = new LinkedHashMap<>(byArm);
      statics.keySet().retainAll(staticArms);
      String line = Sensitivity.line(h.label(), h.decimals(), h.higherIsBetter(), statics);
      if (line != null) {
        notes.add(line);
      }
    }
    return this;
  }

  /** An arm's finite values of a column, one per seed. */
  public double[] seedValues(String arm, int column) {
    return values.get(arm).stream().mapToDouble(v -> v[column]).filter(Double::isFinite).toArray();
  }

  /** The test of a column against the best static arm, or null (not tested, or no static arm has a value). */
  public Significance test(int column) {
    return tests.get(column);
  }

  /** The lines under the table ({@link #withTests}). */
  public List<String> notes() {
    return List.copyOf(notes);
  }

  /** The text of a column added by {@link #withText}. */
  public String text(String label, String arm) {
    return texts.get(label).getOrDefault(arm, "–");
  }

  /** The system figures of each arm's runs ({@link SystemColumn}), one per finished seed. */
  public static ResultTable system(Map<String, List<SystemFigures>> figures) {
    List<Header> headers = java.util.Arrays.stream(SystemColumn.values()).map(c -> new Header(c.label(), null, c.decimals())).toList();
    return new ResultTable(values(figures,
        f -> java.util.Arrays.stream(SystemColumn.values()).mapToDouble(c -> c.read(f)).toArray()), headers);
  }

  private static <T> Map<String, List<double[]>> values(Map<String, List<T>> byArm,
      java.util.function.Function<T, double[]> row) {
    Map<String, List<double[]>> out = new LinkedHashMap<>();
    byArm.forEach((arm, list) -> out.put(arm, list.stream().map(row).toList()));
    return out;
  }

  /** The index of the numeric column labelled {@code label}, or -1. */
  public int column(String label) {
    for (int c = 0; c < columns.size(); c++) {
      if (columns.get(c).label().equals(label)) {
        return c;
      }
    }
    return -1;
  }

  /** The arms in table order. */
  public List<String> arms() {
    return List.copyOf(rows.keySet());
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
    Boolean higher = columns.get(column).higherIsBetter();
    if (higher == null) {
      return false;
    }
    return rows.keySet().stream().map(a -> cell(a, column).mean()).filter(Double::isFinite)
        .allMatch(other -> higher ? other <= v : other >= v);
  }

  /** The headers as printed: arm, seeds, each column (and its p-value column), the text columns. */
  private List<String> headerLine() {
    List<String> header = new ArrayList<>(List.of("arm", "seeds"));
    for (int c = 0; c < columns.size(); c++) {
      header.add(columns.get(c).label());
      if (tests.containsKey(c)) {
        header.add(Significance.header(columns.get(c).label()));
      }
    }
    header.addAll(texts.keySet());
    return header;
  }

  /** An arm's cells as printed, in the order of {@link #headerLine}; {@code mark} marks a value best or not. */
  private List<String> line(String arm, java.util.function.BiFunction<String, Boolean, String> mark) {
    List<String> line = new ArrayList<>(List.of(arm, Integer.toString(seeds.get(arm))));
    for (int c = 0; c < columns.size(); c++) {
      String text = format(cell(arm, c), columns.get(c).decimals());
      line.add(mark.apply(text, isBest(arm, c)));
      if (tests.containsKey(c)) {
        line.add(tests.get(c).text(arm));
      }
    }
    texts.keySet().forEach(label -> line.add(text(label, arm)));
    return line;
  }

  /** GitHub markdown; the best mean of each column in bold; the notes under it as a list. */
  public String markdown() {
    List<String> header = headerLine();
    StringBuilder out = new StringBuilder("| ").append(String.join(" | ", header)).append(" |\n|---|");
    out.append("---:|".repeat(header.size() - 1)).append('\n');
    for (String arm : rows.keySet()) {
      out.append("| ").append(String.join(" | ", line(arm, (t, best) -> best ? "**" + t + "**" : t))).append(" |\n");
    }
    if (!notes.isEmpty()) {
      out.append('\n');
      notes.forEach(n -> out.append("- ").append(n).append('\n'));
    }
    return out.toString();
  }

  /** Fixed-width text for the console; the best mean of each column followed by {@code *}; the notes under it. */
  public String text() {
    List<List<String>> lines = new ArrayList<>();
    lines.add(headerLine());
    for (String arm : rows.keySet()) {
      lines.add(line(arm, (t, best) -> t + (best ? " *" : "  ")));
    }
    int[] width = new int[lines.get(0).size()];
    for (List<String> line : lines) {
      for (int i = 0; i < line.size(); i++) {
        width[i] = Math.max(width[i], line.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (List<String> line : lines) {
      for (int i = 0; i < line.size(); i++) {
        String pad = " ".repeat(width[i] - line.get(i).length());
        out.append(i == 0 ? line.get(i) + pad : pad + line.get(i)).append(i + 1 < line.size() ? "  " : "\n");
      }
    }
    boolean marked = columns.stream().anyMatch(c -> c.higherIsBetter() != null);
    out.append(marked ? "* best mean in its column\n" : "");
    notes.forEach(n -> out.append(n).append('\n'));
    return out.toString();
  }

  /** One line per arm and column: arm, column, mean, std, n. */
  public String csv() {
    StringBuilder out = new StringBuilder("arm,column,mean,std,seeds\n");
    for (String arm : rows.keySet()) {
      for (int c = 0; c < columns.size(); c++) {
        Cell cell = cell(arm, c);
        out.append(String.format(Locale.ROOT, "%s,%s,%s,%s,%d%n", arm, columns.get(c).label(),
            number(cell.mean()), number(cell.std()), cell.n()));
        if (tests.containsKey(c)) {
          // The p-value in the mean column, at full precision; "—" for the best static arm itself.
          String p = tests.get(c).text(arm);
          Double value = tests.get(c).p().get(arm);
          out.append(String.format(Locale.ROOT, "%s,%s,%s,,%d%n", arm, Significance.header(columns.get(c).label()),
              value != null && !Double.isNaN(value) ? number(value) : p, cell.n()));
        }
      }
      for (String label : texts.keySet()) {
        // A text column has no spread: its value in the mean column (a step, or the text as is).
        out.append(String.format(Locale.ROOT, "%s,%s,%s,,%d%n", arm, label, text(label, arm), seeds.get(arm)));
      }
    }
    return out.toString();
  }

  private static String format(Cell cell, int decimals) {
    if (cell.n() == 0) {
      return "–";
    }
    String f = "%." + decimals + "f";
    return Double.isNaN(cell.std()) ? String.format(Locale.ROOT, f, cell.mean())
        : String.format(Locale.ROOT, f + " ± " + f, cell.mean(), cell.std());
  }

  private static String number(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "";
  }
}
