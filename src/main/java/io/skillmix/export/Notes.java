package io.skillmix.export;

import java.util.ArrayList;
import java.util.List;

/** The header lines every exported file shares: where the mixture comes from and what it leaves out. */
final class Notes {

  private Notes() {}

  static List<String> common(Mixture m) {
    List<String> out = new ArrayList<>();
    out.add("The mixture of " + m.origin() + ".");
    out.add("Probabilities: " + Rounded.DIGITS + " decimals, apportioned by largest remainder so they sum to exactly 1.");
    if (m.run().builtin()) {
      out.add("Built-in sets: files skillmix generated in " + m.run().cacheDir() + " from the run's settings (seed "
          + m.run().seed() + "); a run with other built-in settings rewrites them, so copy them if you keep this export.");
    }
    List<Mixture.Share> out0 = m.leftOut();
    if (!out0.isEmpty()) {
      out.add("Left out, probability 0 after rounding: "
          + String.join(", ", out0.stream().map(s -> s.dataset().name()).toList()) + ".");
    }
    return out;
  }

  /** Names of the datasets drawn from, comma-separated. */
  static String names(List<Mixture.Share> shares) {
    return String.join(",", shares.stream().map(s -> s.dataset().name()).toList());
  }

  /** Their probabilities, comma-separated, in the same order. */
  static String probabilities(List<Mixture.Share> shares) {
    return String.join(",", shares.stream().map(s -> Rounded.text(s.probability())).toList());
  }
}
