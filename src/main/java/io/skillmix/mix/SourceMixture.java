package io.skillmix.mix;

import io.skillmix.UserError;
import io.skillmix.metrics.MixtureSchedule;
import io.skillmix.metrics.WeightUpdate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Another run's mixture for a run that reuses it ({@code mix.fixed.weights-from},
 * {@code mix.replay.schedule-from}): the schedule its folder records ({@link MixtureSchedule}), with
 * every set of probabilities put in this run's dataset order. The two runs must train on the same
 * datasets, by name; any difference is refused in one line naming it, before anything starts.
 *
 * @param key the config key that named the source, for messages
 * @param dir the source run's folder
 * @param order for each of this run's datasets, its index in the source's probability arrays
 */
record SourceMixture(String key, Path dir, MixtureSchedule schedule, int[] order) {

  /**
   * @param value the key's value: a run folder ({@code train}'s run.dir, or a compare arm's
   *     {@code OUT/ARM/seed-K})
   * @param datasets this run's dataset names, in its order
   */
  static SourceMixture read(String key, String value, List<String> datasets) {
    if (value == null || value.isBlank()) {
      throw new UserError(key + " is empty; give the folder of the run whose mixture to use (train's run.dir, or a"
          + " compare arm's OUT/ARM/seed-K)");
    }
    Path dir = Path.of(value.trim());
    if (!Files.isDirectory(dir)) {
      throw new UserError(key + " = " + value.trim() + ": no such folder; give the folder of a skillmix run");
    }
    MixtureSchedule schedule;
    try {
      schedule = MixtureSchedule.read(dir);
    } catch (UserError e) {
      throw new UserError(key + " = " + value.trim() + ": " + e.getMessage(), e);
    }
    List<String> source = schedule.datasets();
    List<String> missing = datasets.stream().filter(d -> !source.contains(d)).toList();
    List<String> extra = source.stream().filter(d -> !datasets.contains(d)).toList();
    if (!missing.isEmpty() || !extra.isEmpty()) {
      throw new UserError(key + " = " + value.trim() + ": that run trained on " + String.join(", ", source)
          + ", this one on " + String.join(", ", datasets)
          + (missing.isEmpty() ? "" : "; not in it: " + String.join(", ", missing))
          + (extra.isEmpty() ? "" : "; not in this run: " + String.join(", ", extra))
          + ". A mixture carries over to the same datasets only (by name): rename them in data.datasets, or use"
          + " data.only to match");
    }
    int[] order = new int[datasets.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = source.indexOf(datasets.get(i));
    }
    return new SourceMixture(key, dir, schedule, order);
  }

  /** One set of a source's probabilities, in this run's order, and which ({@code final}, {@code average}, {@code step N}). */
  record Chosen(SourceMixture source, String at, double[] probabilities) {}

  /**
   * {@code RUN_DIR} or {@code RUN_DIR@final}: the probabilities in effect at the source's end;
   * {@code RUN_DIR@average}: the draw-weighted mean of its schedule (each set of probabilities
   * weighted by the examples drawn while it was in effect, as {@code mixture export --at average});
   * {@code RUN_DIR@STEP}: those in effect at its training step STEP (0-based).
   */
  static Chosen choose(String key, String value, List<String> datasets) {
    String dir = value == null ? "" : value.trim();
    String at = "final";
    int sign = dir.lastIndexOf('@');
    if (sign > 0) {
      String suffix = dir.substring(sign + 1);
      if (suffix.equals("final") || suffix.equals("average") || suffix.matches("\\d{1,18}")) {
        at = suffix;
        dir = dir.substring(0, sign);
      }
    }
    SourceMixture source = read(key, dir, datasets);
    MixtureSchedule s = source.schedule();
    try {
      return switch (at) {
        case "final" -> new Chosen(source, "final", source.inOrder(s.last()));
        case "average" -> new Chosen(source, "average", source.inOrder(s.average()));
        default -> {
          long step = Long.parseLong(at);
          long last = Math.max(s.steps(), s.changes().get(s.changes().size() - 1).effectiveStep() + 1) - 1;
          if (step > last) {
            throw new UserError("@" + at + ": that run's steps are 0 to " + last);
          }
          yield new Chosen(source, "step " + step, source.inOrder(s.at(step).probabilities()));
        }
      };
    } catch (UserError e) {
      throw new UserError(key + " = " + value.trim() + ": " + e.getMessage(), e);
    }
  }

  /** A source's probabilities in this run's dataset order. */
  double[] inOrder(double[] sourceProbabilities) {
    double[] p = new double[order.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = sourceProbabilities[order[i]];
    }
    return p;
  }

  /** Every change of the schedule in this run's order. */
  List<WeightUpdate> changes() {
    List<WeightUpdate> out = new ArrayList<>();
    for (WeightUpdate w : schedule.changes()) {
      out.add(new WeightUpdate(w.version(), w.effectiveStep(), inOrder(w.probabilities())));
    }
    return out;
  }
}
