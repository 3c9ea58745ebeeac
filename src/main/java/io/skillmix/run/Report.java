package io.skillmix.run;

import io.skillmix.metrics.RunHistory;
import io.skillmix.metrics.MetricsSink;
import io.skillmix.metrics.Plots;
import io.skillmix.config.ConfigLoader;
import io.skillmix.data.tokenizer.ExampleEncoder;
import io.skillmix.data.format.DataReport;
import io.skillmix.data.format.Fault;
import io.skillmix.learn.Learner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import io.skillmix.model.LoraSettings;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** Writes {@code report.md} and {@code plots/*.png} at the end of a run. */
final class Report {

  private Report() {}

  private static String model(RunSettings settings) {
    if (settings.modelPath() == null) {
      return "preset `" + settings.preset() + "` from scratch";
    }
    boolean shipped = settings.config().getString("model.path").isEmpty();
    return (shipped ? "preset `" + settings.preset() + "` (the shipped pretrained base) at " : "") + "`" + settings.modelPath() + "`";
  }

  /** Full fine-tuning or LoRA, and what each update sent the evaluator (the learner's snapshot_size note). */
  private static String training(RunSettings settings, RunHistory history) {
    LoraSettings lora = settings.lora();
    String how = lora.enabled()
        ? String.format(Locale.ROOT, "LoRA r %d, alpha %s, dropout %s on %s (final/ is a PEFT adapter folder)",
            lora.rank(), lora.alpha(), lora.dropout(), String.join(", ", lora.targets()))
        : "every weight";
    String snapshot = history.notes().stream().filter(n -> n.event().equals("snapshot_size"))
        .map(n -> "; snapshots: " + n.message()).reduce((first, later) -> later).orElse("");
    return "- training: " + how + snapshot + "\n";
  }

  static void write(RunSettings settings, RunData data, RunHistory history, ExampleEncoder encoder,
      Learner.Finished finished) throws IOException {
    Path dir = settings.runDir();
    Plots.weights(dir.resolve("plots/weights.png"), history.datasets(), history.weightSteps(),
        history.weightProbabilities(), finished.steps());
    Plots.loss(dir.resolve("plots/loss.png"), history.lossByDataset());
    List<MetricsSink.Evaluated> evaluations = history.evaluations();
    if (!evaluations.isEmpty()) {
      Plots.evaluations(dir.resolve("plots/eval-loss.png"), dir.resolve("plots/eval-scores.png"), evaluations);
    }

    StringBuilder md = new StringBuilder();
    md.append("# skillmix run report\n\n");
    md.append(ReportOpening.sentences(ReportOpening.of(settings, history, finished.probabilities(), finished.steps())))
        .append('\n');
    md.append(String.format(Locale.ROOT, "- run folder: `%s`%n", dir));
    md.append(String.format(Locale.ROOT, "- model: %s%n", model(settings)));
    md.append(training(settings, history));
    md.append(String.format(Locale.ROOT, "- mixture: %s, applied `%s`%n", settings.mix().plan().describe(),
        settings.mix().apply().name().toLowerCase(Locale.ROOT)));
    md.append(String.format(Locale.ROOT, "- steps: %d, tokens: %,d (real, not padding; padding was %.1f%% of the"
            + " positions computed), training time %.1f s (%.0f tokens/s), learner waiting %.1f s (%.2f%%)%n",
        finished.steps(), history.tokens(), 100 * history.paddingShare(), history.trainSeconds(),
        history.tokens() / Math.max(1e-9, history.trainSeconds()), history.waitSeconds(),
        100 * history.waitSeconds() / Math.max(1e-9, history.trainSeconds() + history.waitSeconds())));
    md.append(String.format(Locale.ROOT, "- skipped reward updates: %d%n%n", finished.skippedUpdates()));
    if (history.systemFigures() != null) {
      md.append(SystemSection.markdown(history.systemFigures()));
    }

    md.append("## Datasets\n\n| dataset | train examples | held-out | held-out from | steps drawn | examples drawn"
        + " | first p | final p | recent loss |\n");
    md.append("|---|---:|---:|---|---:|---:|---:|---:|---:|\n");
    double[] first = history.weightProbabilities().isEmpty() ? new double[0] : history.weightProbabilities().get(0);
    long[] drawn = history.stepsPerDataset();
    long[] examples = history.examplesPerDataset();
    for (int i = 0; i < data.sets().size(); i++) {
      RunData.Set set = data.sets().get(i);
      md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %d | %,d | %.4f | %.4f | %.4f |%n", set.name(),
          RunData.Set.count(set.train().size(), set.trainDistinct()),
          RunData.Set.count(set.heldOut().size(), set.heldOutDistinct()),
          set.heldOutFrom() + (set.carved() ? " (seeded)" : ""), drawn[i],
          examples[i], first.length > i ? first[i] : Double.NaN,
          finished.probabilities()[i], history.recentLoss(set.name(), 50)));
    }
    dataNotes(md, settings, data);

    if (!history.rewards().isEmpty()) {
      md.append("\n## Rewards (last evaluation)\n\n| dataset | reward | smoothed |\n|---|---:|---:|\n");
      MetricsSink.RewardsComputed last = history.rewards().get(history.rewards().size() - 1);
      for (int i = 0; i < data.names().size(); i++) {
        md.append(String.format(Locale.ROOT, "| %s | %.5f | %.5f |%n", data.names().get(i),
            last.rewards()[i], last.smoothed()[i]));
      }
      md.append(String.format(Locale.ROOT, "%n%d evaluations, the last at version %d.%n",
          history.rewards().size(), last.version()));
    }

    if (!evaluations.isEmpty()) {
      evaluationSection(md, evaluations);
    }

    md.append("\n## Data faults and length limits\n\n");
    md.append(String.format(Locale.ROOT, "- over-long examples truncated: %d, skipped: %d (data.max-length = %d)%n",
        encoder.truncated(), encoder.skipped(), settings.data().maxLength()));
    int faults = 0;
    for (RunData.Set set : data.sets()) {
      for (DataReport r : set.reports()) {
        faults += r.faults();
        for (Fault f : r.firstFaults()) {
          md.append("- skipped: ").append(f).append('\n');
        }
      }
    }
    md.append(String.format(Locale.ROOT, "- malformed records skipped: %d%n", faults));
    if (!history.notes().isEmpty()) {
      md.append("\n## Events\n\n");
      for (MetricsSink.Note note : history.notes()) {
        md.append(String.format(Locale.ROOT, "- step %d, %s: %s%n", note.step(), note.event(), note.message()));
      }
    }
    md.append("\n## Plots\n\n![weights](plots/weights.png)\n\n![loss](plots/loss.png)\n");
    for (String plot : new String[] {"eval-loss", "eval-scores"}) {
      if (Files.exists(dir.resolve("plots/" + plot + ".png"))) {
        md.append("\n![").append(plot).append("](plots/").append(plot).append(".png)\n");
      }
    }
    md.append("\n## Configuration\n\n```hocon\n").append(ConfigLoader.render(settings.config())).append("```\n");
    Files.writeString(dir.resolve(io.skillmix.output.RunFolder.REPORT), md.toString(), StandardCharsets.UTF_8);
  }

  /** Below the datasets table: samples, skips, carves, the steps train.epochs gave, repeat warnings. */
  private static void dataNotes(StringBuilder md, RunSettings settings, RunData data) {
    List<String> notes = RunPreparation.startNotes(settings, data);
    if (!notes.isEmpty()) {
      md.append('\n');
      notes.forEach(n -> md.append("- ").append(n).append('\n'));
    }
  }

  /**
   * The evaluations during training ({@code eval.every}): each held-out loss and skill score at the
   * first and last evaluation, and its best value with the step it came at.
   */
  private static void evaluationSection(StringBuilder md, List<MetricsSink.Evaluated> evaluations) {
    MetricsSink.Evaluated first = evaluations.get(0);
    MetricsSink.Evaluated last = evaluations.get(evaluations.size() - 1);
    md.append(String.format(Locale.ROOT, "%n## Evaluation during training%n%n%d evaluations (eval.every), %.1f s in all."
        + " Curves: plots/eval-loss.png, plots/eval-scores.png.%n%n", evaluations.size(),
        evaluations.stream().mapToDouble(MetricsSink.Evaluated::seconds).sum()));
    md.append(String.format(Locale.ROOT, "| metric | step %d | step %d | best (step) |%n|---|---:|---:|---:|%n",
        first.step(), last.step()));
    evaluationRows(md, evaluations, "held-out loss ", MetricsSink.Evaluated::heldOutLoss, false);
    evaluationRows(md, evaluations, "score ", MetricsSink.Evaluated::scores, true);
  }

  private static void evaluationRows(StringBuilder md, List<MetricsSink.Evaluated> evaluations, String prefix,
      Function<MetricsSink.Evaluated, Map<String, Double>> values, boolean higherIsBetter) {
    MetricsSink.Evaluated first = evaluations.get(0);
    MetricsSink.Evaluated last = evaluations.get(evaluations.size() - 1);
    for (String name : values.apply(last).keySet()) {
      double best = Double.NaN;
      long bestStep = -1;
      for (MetricsSink.Evaluated e : evaluations) {
        double v = values.apply(e).getOrDefault(name, Double.NaN);
        if (Double.isFinite(v) && (Double.isNaN(best) || (higherIsBetter ? v > best : v < best))) {
          best = v;
          bestStep = e.step();
        }
      }
      md.append(String.format(Locale.ROOT, "| %s%s | %.4f | %.4f | %.4f (%d) |%n", prefix, name,
          values.apply(first).getOrDefault(name, Double.NaN), values.apply(last).get(name), best, bestStep));
    }
  }
}
