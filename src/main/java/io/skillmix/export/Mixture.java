package io.skillmix.export;

import io.skillmix.metrics.MixtureSchedule;
import io.skillmix.metrics.WeightUpdate;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * One run's mixture, ready to write in another tool's terms: its datasets (files, layouts) and
 * the probabilities chosen by {@code --at}, rounded ({@link Rounded}), beside the whole schedule.
 *
 * @param at how the probabilities were chosen: {@code final}, {@code average} or {@code step N}
 * @param point the change the probabilities come from; null for {@code average}
 * @param probabilities in the order of {@code run.datasets()}, {@value Rounded#DIGITS} decimals, summing to 1
 */
public record Mixture(SourceRun run, MixtureSchedule schedule, String at, WeightUpdate point,
    BigDecimal[] probabilities) {

  /** A dataset with its rounded probability. */
  public record Share(SourceRun.Dataset dataset, BigDecimal probability) {
    public boolean drawn() {
      return probability.signum() > 0;
    }
  }

  /** Every dataset with its probability, in the run's order. */
  public List<Share> shares() {
    List<Share> out = new ArrayList<>();
    for (int i = 0; i < probabilities.length; i++) {
      out.add(new Share(run.datasets().get(i), probabilities[i]));
    }
    return out;
  }

  /** The datasets a consumer should draw from: those whose rounded probability is above 0. */
  public List<Share> drawn() {
    return shares().stream().filter(Share::drawn).toList();
  }

  /** The datasets left out because their probability rounds to 0 (a consumer told "all_exhausted" would wait on them forever). */
  public List<Share> leftOut() {
    return shares().stream().filter(s -> !s.drawn()).toList();
  }

  /** One line saying where the probabilities come from, for file headers. */
  public String origin() {
    String what = switch (at) {
      case "final" -> "its final probabilities (in effect from step " + point.effectiveStep() + ", snapshot "
          + point.version() + ")";
      case "average" -> "the draw-weighted mean of its schedule (" + schedule.changes().size()
          + " sets of probabilities, each weighted by the " + schedule.weighting() + " drawn while it was in effect)";
      default -> "the probabilities in effect at " + at + " (from step " + point.effectiveStep() + ", snapshot "
          + point.version() + ")";
    };
    return "skillmix run " + run.dir() + ": " + what;
  }
}
