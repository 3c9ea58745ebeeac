package io.skillmix.mix;

import io.skillmix.UserError;
import java.util.Locale;

/** When probabilities computed from snapshot t take effect in the learner. */
public enum ApplyMode {
  /** At step t: the learner waits for them (the paper's algorithm). */
  SYNC,
  /** At step t + lag exactly: deterministic, and asynchronous when the evaluator keeps up. */
  LAGGED,
  /** Whenever they arrive: lowest latency, not reproducible. */
  FREE;

  public static ApplyMode parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UserError("mix.apply = '" + value + "' is not valid; use sync, lagged or free");
    }
  }
}
