package io.skillmix.compare;

import io.skillmix.eval.EvalReport;
import io.skillmix.metrics.MetricsLog;
import io.skillmix.metrics.MetricsSink;
import io.skillmix.metrics.SystemFigures;
import io.skillmix.output.AtomicFiles;
import io.skillmix.output.RunFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A comparison's files, from its evaluated runs: {@code table.md} (the results, the system figures,
 * what each arm set), {@code table.csv}, {@code system.csv} and the plots.
 */
final class ComparisonFiles {

  /** The results and the system figures, one row per arm. */
  record Tables(ResultTable results, ResultTable system) {}

  private ComparisonFiles() {}

  /**
   * @param baseMethod the comparison's {@code mix.method}, for an arm that sets none
   */
  static Tables write(Comparison.Plan plan, List<Column> columns, String baseMethod) {
    Map<String, List<EvalReport>> reports = new LinkedHashMap<>();
    Map<String, List<SystemFigures>> figures = new LinkedHashMap<>();
    Map<String, List<Path>> runs = new LinkedHashMap<>();
    for (Arm arm : plan.arms()) {
      List<EvalReport> evaluated = new ArrayList<>();
      List<SystemFigures> system = new ArrayList<>();
      List<Path> finishedRuns = new ArrayList<>();
      for (int k = 1; k <= plan.seeds(); k++) {
        Path runDir = plan.dir().resolve(arm.name()).resolve("seed-" + k);
        if (Files.exists(runDir.resolve(RunFolder.EVAL))) {
          evaluated.add(EvalReport.readJson(runDir.resolve(RunFolder.EVAL)));
          finishedRuns.add(runDir);
          SystemFigures f = MetricsLog.system(runDir.resolve(RunFolder.METRICS));
          if (f != null) { // a run from before system figures were recorded has none
            system.add(f);
          }
        }
      }
      reports.put(arm.name(), evaluated);
      figures.put(arm.name(), system);
      runs.put(arm.name(), finishedRuns);
    }
    Set<String> staticArms = plan.arms().stream().filter(a -> Convergence.isStatic(a, baseMethod)).map(Arm::name)
        .collect(Collectors.toSet());
    Set<String> learnedArms = plan.arms().stream().map(Arm::name).filter(a -> !staticArms.contains(a))
        .collect(Collectors.toSet());
    Map<String, List<List<MetricsSink.Evaluated>>> evaluations = Convergence.read(runs);
    ResultTable table = new ResultTable(columns, reports)
        .withText(Convergence.LABEL, Convergence.stepsToBestStatic(evaluations, staticArms))
        .withTests(staticArms, learnedArms, Column.TESTED);
    String stratified = Stratified.markdown(table, Stratified.arm(plan.arms(), baseMethod), evaluations);
    ResultTable system = ResultTable.system(figures);
    try {
      // A specialist comparison can share its generalist runs with the plain one in the same folder.
      String suffix = plan.specialist() == null ? "" : "-" + plan.specialist();
      String title = plan.specialist() == null ? "" : "Target skill: " + plan.specialist() + "\n\n";
      Path plots = plan.dir().resolve("plots");
      AtomicFiles.writeString(plan.dir().resolve("table" + suffix + ".md"), title + table.markdown()
          + (stratified.isEmpty() ? "" : "\n" + stratified) + "\n## System figures (mean ± std over seeds)\n\n" + system.markdown()
          + "\nwall: the training loop; tokens/s: without padding, over the wall time; waiting: the learner's"
          + " share of its loop spent waiting for data or probabilities; staleness: steps from a snapshot to the"
          + " step its probabilities took effect; evaluator busy: its share of the wall time at work; reward"
          + " latency: seconds from a snapshot sent to its probabilities back at the learner.\n\n"
          + "![time per arm](plots/time" + suffix + ".png)\n\n" + arms(plan));
      AtomicFiles.writeString(plan.dir().resolve("table" + suffix + ".csv"), table.csv());
      AtomicFiles.writeString(plan.dir().resolve("system" + suffix + ".csv"), system.csv());
      for (Map.Entry<String, List<Path>> e : runs.entrySet()) {
        Curves.weights(plots.resolve("weights-" + e.getKey() + ".png"), e.getKey(), e.getValue());
        Curves.rewards(plots.resolve("rewards-" + e.getKey() + ".png"), e.getKey(), e.getValue());
      }
      Curves.convergence(plots.resolve("curves" + suffix + ".png"), runs);
      Curves.time(plots.resolve("time" + suffix + ".png"), figures);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Tables(table, system);
  }

  /** What each arm set, and what every arm shares. */
  static String arms(Comparison.Plan plan) {
    StringBuilder md = new StringBuilder("## Arms\n\nEach arm's overrides, on top of the comparison's config (")
        .append(plan.configFile() == null ? "the defaults" : "`" + plan.configFile() + "`")
        .append(plan.overrides().isEmpty() ? "" : " with `" + String.join("`, `", plan.overrides()) + "`")
        .append("):\n\n");
    for (Arm arm : plan.arms()) {
      md.append("- **").append(arm.name()).append("**: ")
          .append(arm.overrides().isEmpty() ? "(none)" : "`" + String.join("`, `", arm.overrides()) + "`").append('\n');
    }
    return md.toString();
  }
}
