package io.skillmix.run;

import io.skillmix.metrics.MetricsSink;
import io.skillmix.metrics.RunHistory;
import io.skillmix.mix.EvaluatorWork;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The three plain sentences report.md opens with, for a reader who looks at nothing else: what the
 * mixture did, which datasets it favoured and the rewards it followed, and the held-out loss per
 * dataset at the first and last evaluation.
 */
final class ReportOpening {

  /** What each reward measures, in a reader's words (the others are named only). */
  private static final Map<String, String> MEANINGS = Map.of(
      "diff", "a dataset's perplexity now over its perplexity at the start, high where the model has improved least",
      "cossim", "the mean cosine similarity of a dataset's embedding to every dataset's, high for a set like the others",
      "multidds", "how well a dataset's training gradient agrees with every dataset's held-out gradient",
      "multiuat", "the model's uncertainty on a dataset's held-out examples");

  /** A probability change smaller than this is not called favouring or avoiding. */
  private static final double MOVED = 0.0005;

  private ReportOpening() {}

  /**
   * What the sentences are made of.
   *
   * @param first the probabilities the run started from; {@code last} those at its end
   * @param updates the updates applied (probabilities from a snapshot; the prior is not one)
   * @param learned whether the method learns the mixture (a static one keeps its prior)
   * @param reward the reward the rewards came from, or null when the method computes none
   * @param smoothed the rewards of the last update as the policy used them (after the EMA), or null
   * @param start the first evaluation during training, or null when none ran; {@code end} the last
   */
  record Facts(List<String> datasets, double[] first, double[] last, long updates, long steps, String method,
      boolean learned, String reward, double[] smoothed, MetricsSink.Evaluated start, MetricsSink.Evaluated end) {}

  static Facts of(RunSettings settings, RunHistory history, double[] last, long steps) {
    List<double[]> weights = history.weightProbabilities();
    double[] first = weights.isEmpty() ? last : weights.get(0);
    long updates = history.weightSteps().stream().filter(s -> s[1] > 0).count();
    EvaluatorWork work = settings.mix().plan().evaluator();
    List<MetricsSink.RewardsComputed> rewards = history.rewards();
    double[] smoothed = rewards.isEmpty() ? null : rewards.get(rewards.size() - 1).smoothed();
    List<MetricsSink.Evaluated> evaluations = history.evaluations();
    return new Facts(history.datasets(), first, last, updates, steps, settings.mix().policy().name(),
        settings.mix().policy().learned(), work == null ? null : work.reward().name(), smoothed,
        evaluations.isEmpty() ? null : evaluations.get(0),
        evaluations.size() < 2 ? null : evaluations.get(evaluations.size() - 1));
  }

  /** The three sentences, one paragraph. */
  static String sentences(Facts f) {
    return mixture(f) + " " + favoured(f) + " " + heldOut(f) + "\n";
  }

  private static String mixture(Facts f) {
    if (!f.learned()) {
      return String.format(Locale.ROOT, "The mixture stayed at %s for all %d steps: %s is a fixed mixture.",
          probabilities(f.datasets(), f.first()), f.steps(), f.method());
    }
    if (f.updates() == 0) {
      return String.format(Locale.ROOT, "The mixture stayed at %s: %s applied no update in %d steps"
          + " (mix.update-every sets how often it updates).", probabilities(f.datasets(), f.first()), f.method(), f.steps());
    }
    return String.format(Locale.ROOT, "The mixture moved from %s to %s over %d %s of %s in %d steps.",
        probabilities(f.datasets(), f.first()), probabilities(f.datasets(), f.last()), f.updates(),
        f.updates() == 1 ? "update" : "updates", f.method(), f.steps());
  }

  private static String favoured(Facts f) {
    List<Integer> up = new ArrayList<>();
    List<Integer> down = new ArrayList<>();
    for (int i = 0; i < f.datasets().size(); i++) {
      double change = f.last()[i] - f.first()[i];
      if (change > MOVED) {
        up.add(i);
      } else if (change < -MOVED) {
        down.add(i);
      }
    }
    String rewards = rewards(f);
    if (up.isEmpty() && down.isEmpty()) {
      return "It favoured no dataset over another" + (rewards.isEmpty() ? "." : ", with " + rewards + ".");
    }
    up.sort(Comparator.comparingDouble(i -> f.first()[i] - f.last()[i]));
    down.sort(Comparator.comparingDouble(i -> f.last()[i] - f.first()[i]));
    String moves = "It favoured " + (up.isEmpty() ? "no dataset" : changes(f, up))
        + (down.isEmpty() ? "" : " and moved away from " + changes(f, down));
    return moves + (rewards.isEmpty() ? "." : ", following " + rewards + ".");
  }

  /** The reward, what it measures, and its last smoothed values, highest and lowest named; "" without rewards. */
  private static String rewards(Facts f) {
    if (f.reward() == null || f.smoothed() == null) {
      return "";
    }
    int high = 0;
    int low = 0;
    for (int i = 1; i < f.smoothed().length; i++) {
      high = f.smoothed()[i] > f.smoothed()[high] ? i : high;
      low = f.smoothed()[i] < f.smoothed()[low] ? i : low;
    }
    String meaning = MEANINGS.containsKey(f.reward()) ? " (" + MEANINGS.get(f.reward()) + ")" : "";
    return String.format(Locale.ROOT, "the %s reward%s, which at the last update (smoothed) was %s: highest for %s,"
        + " lowest for %s", f.reward(), meaning, values(f.datasets(), f.smoothed(), "%.3f"),
        f.datasets().get(high), f.datasets().get(low));
  }

  private static String heldOut(Facts f) {
    if (f.start() == null || f.end() == null) {
      return "Held-out loss was not measured at two points during training (eval.every);"
          + " `skillmix eval RUN_DIR/final` measures the final model.";
    }
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, Double> e : f.end().heldOutLoss().entrySet()) {
      Double before = f.start().heldOutLoss().get(e.getKey());
      parts.add(String.format(Locale.ROOT, "%s %.3f → %.3f", e.getKey(), before == null ? Double.NaN : before, e.getValue()));
    }
    return String.format(Locale.ROOT, "Held-out loss per dataset (nats per response token) from step %d to step %d: %s.",
        f.start().step(), f.end().step(), join(parts));
  }

  private static String changes(Facts f, List<Integer> which) {
    List<String> parts = new ArrayList<>();
    for (int i : which) {
      parts.add(String.format(Locale.ROOT, "%s (%+.3f)", f.datasets().get(i), f.last()[i] - f.first()[i]));
    }
    return join(parts);
  }

  private static String probabilities(List<String> names, double[] p) {
    return values(names, p, "%.3f");
  }

  private static String values(List<String> names, double[] v, String format) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      parts.add(names.get(i) + " " + String.format(Locale.ROOT, format, v[i]));
    }
    return String.join(", ", parts);
  }

  /** "a", "a and b", "a, b and c". */
  private static String join(List<String> parts) {
    if (parts.size() < 2) {
      return String.join("", parts);
    }
    return String.join(", ", parts.subList(0, parts.size() - 1)) + " and " + parts.get(parts.size() - 1);
  }
}
