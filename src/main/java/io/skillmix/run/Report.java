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
import java.util.Locale;

/** Writes {@code report.md} and {@code plots/*.png} at the end of a run. */
final class Report {

  private Report() {}

  static void write(RunSettings settings, RunData data, RunHistory history, ExampleEncoder encoder,
      Learner.Finished finished) throws IOException {
    Path dir = settings.runDir();
    Plots.weights(dir.resolve("plots/weights.png"), history.datasets(), history.weightSteps(),
        history.weightProbabilities(), finished.steps());
    Plots.loss(dir.resolve("plots/loss.png"), history.lossByDataset());

    StringBuilder md = new StringBuilder();
    md.append("# skillmix run report\n\n");
    md.append(String.format(Locale.ROOT, "- run folder: `%s`%n", dir));
    md.append(String.format(Locale.ROOT, "- model: %s%n",
        settings.modelPath() == null ? "preset `" + settings.preset() + "` from scratch" : "`" + settings.modelPath() + "`"));
    md.append(String.format(Locale.ROOT, "- mixture: %s%s, applied `%s`%n", settings.mix().method(),
        settings.mix().learned() ? " (reward " + settings.mix().trainingReward().name() + (settings.mix().ema() ? " + EMA" : "") + ")" : "",
        settings.mix().apply().name().toLowerCase(Locale.ROOT)));
    md.append(String.format(Locale.ROOT, "- steps: %d, tokens: %,d, training time %.1f s (%.0f tokens/s),"
            + " learner waiting %.1f s (%.2f%%)%n", finished.steps(), history.tokens(), history.trainSeconds(),
        history.tokens() / Math.max(1e-9, history.trainSeconds()), history.waitSeconds(),
        100 * history.waitSeconds() / Math.max(1e-9, history.trainSeconds() + history.waitSeconds())));
    md.append(String.format(Locale.ROOT, "- skipped reward updates: %d%n%n", finished.skippedUpdates()));
    if (history.systemFigures() != null) {
      md.append(SystemSection.markdown(history.systemFigures()));
    }

    md.append("## Datasets\n\n| dataset | train examples | held-out | steps drawn | first p | final p | recent loss |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|\n");
    double[] first = history.weightProbabilities().isEmpty() ? new double[0] : history.weightProbabilities().get(0);
    long[] drawn = history.stepsPerDataset();
    for (int i = 0; i < data.sets().size(); i++) {
      RunData.Set set = data.sets().get(i);
      md.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %d | %.4f | %.4f | %.4f |%n", set.name(),
          set.train().size(), set.heldOut().size(), drawn[i], first.length > i ? first[i] : Double.NaN,
          finished.probabilities()[i], history.recentLoss(set.name(), 50)));
    }

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
    md.append("\n## Configuration\n\n```hocon\n").append(ConfigLoader.render(settings.config())).append("```\n");
    Files.writeString(dir.resolve(io.skillmix.output.RunFolder.REPORT), md.toString(), StandardCharsets.UTF_8);
  }
}
