package io.skillmix.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG line charts of a run: sampling probabilities, losses and evaluations over steps. */
public final class Plots {

  static {
    // ImageIO's default file cache registers a JVM shutdown hook for each stream it opens; once a
    // SIGTERM has started the shutdown that throws "Shutdown in progress", and a run that was
    // finishing lost its report (issue 33 D2). A PNG of a chart fits in memory.
    javax.imageio.ImageIO.setUseCache(false);
  }

  private Plots() {}

  /** One series a line; x and y of each series have the same length. */
  public record Series(String name, double[] x, double[] y) {}

  public static void lines(Path file, String title, String xLabel, String yLabel, List<Series> series,
      boolean stepped) throws IOException {
    XYChart chart = new XYChartBuilder().width(900).height(500)
        .title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
    chart.getStyler().setMarkerSize(0);
    for (Series s : series) {
      if (s.x().length == 0) {
        continue;
      }
      XYSeries line = chart.addSeries(s.name(), s.x(), s.y());
      line.setMarker(SeriesMarkers.NONE);
      if (stepped) {
        line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
      }
    }
    Files.createDirectories(file.getParent());
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  /**
   * Grouped bars: a group per category, a bar per series in each (every series has a value per
   * category; NaN draws none).
   */
  public static void bars(Path file, String title, String yLabel, List<String> categories,
      Map<String, double[]> series) throws IOException {
    CategoryChart chart = new CategoryChartBuilder().width(900).height(500)
        .title(title).yAxisTitle(yLabel).build();
    chart.getStyler().setXAxisLabelRotation(categories.size() > 4 ? 30 : 0);
    for (Map.Entry<String, double[]> s : series.entrySet()) {
      List<Double> values = new java.util.ArrayList<>();
      for (double v : s.getValue()) {
        values.add(Double.isFinite(v) ? v : 0.0);
      }
      chart.addSeries(s.getKey(), categories, values);
    }
    Files.createDirectories(file.getParent());
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  /** Probabilities per dataset over the steps at which they took effect, as steps, to {@code end}. */
  public static void weights(Path file, List<String> datasets, List<long[]> steps,
      List<double[]> probabilities, long end) throws IOException {
    List<Series> series = new java.util.ArrayList<>();
    int n = steps.size();
    for (int d = 0; d < datasets.size(); d++) {
      double[] x = new double[n + 1];
      double[] y = new double[n + 1];
      for (int i = 0; i < n; i++) {
        x[i] = steps.get(i)[0];
        y[i] = probabilities.get(i)[d];
      }
      // The last probabilities hold until the end of the run.
      x[n] = Math.max(end, n == 0 ? 0 : x[n - 1]);
      y[n] = n == 0 ? 0 : y[n - 1];
      series.add(new Series(datasets.get(d), x, y));
    }
    lines(file, "Sampling probabilities", "step", "probability", series, true);
  }

  /** Moving average of the training loss per dataset. */
  public static void loss(Path file, Map<String, List<double[]>> pointsByDataset) throws IOException {
    List<Series> series = new java.util.ArrayList<>();
    for (Map.Entry<String, List<double[]>> e : pointsByDataset.entrySet()) {
      List<double[]> points = e.getValue();
      double[] x = new double[points.size()];
      double[] y = new double[points.size()];
      double smooth = Double.NaN;
      for (int i = 0; i < points.size(); i++) {
        x[i] = points.get(i)[0];
        smooth = Double.isNaN(smooth) ? points.get(i)[1] : 0.9 * smooth + 0.1 * points.get(i)[1];
        y[i] = smooth;
      }
      series.add(new Series(e.getKey(), x, y));
    }
    lines(file, "Training loss (moving average)", "step", "loss", series, false);
  }

  /**
   * The evaluations during training: held-out loss per dataset in {@code lossFile}, and the skill
   * scores (built-in mix) in {@code scoresFile} when there are any.
   */
  public static void evaluations(Path lossFile, Path scoresFile, List<MetricsSink.Evaluated> evaluations)
      throws IOException {
    lines(lossFile, "Held-out loss during training", "step", "loss",
        curves(evaluations, MetricsSink.Evaluated::heldOutLoss), false);
    List<Series> scores = curves(evaluations, MetricsSink.Evaluated::scores);
    if (!scores.isEmpty()) {
      lines(scoresFile, "Skill scores during training (0-100)", "step", "score", scores, false);
    }
  }

  /** One series per name of {@code values}, over the evaluations' steps; values that are not finite are left out. */
  static List<Series> curves(List<MetricsSink.Evaluated> evaluations,
      java.util.function.Function<MetricsSink.Evaluated, Map<String, Double>> values) {
    Map<String, List<double[]>> points = new java.util.LinkedHashMap<>();
    for (MetricsSink.Evaluated e : evaluations) {
      values.apply(e).forEach((name, v) -> {
        if (Double.isFinite(v)) {
          points.computeIfAbsent(name, k -> new java.util.ArrayList<>()).add(new double[] {e.step(), v});
        }
      });
    }
    List<Series> series = new java.util.ArrayList<>();
    points.forEach((name, p) -> series.add(new Series(name, p.stream().mapToDouble(x -> x[0]).toArray(),
        p.stream().mapToDouble(x -> x[1]).toArray())));
    return series;
  }
}
