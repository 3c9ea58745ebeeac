package io.skillmix.mix;

import io.skillmix.UserError;
import java.util.Locale;

/** When probabilities computed from snapshot t take effect in the learner ({@code mix.apply}). */
public enum ApplyMode {
  /** At step t: the learner waits for them (the paper's algorithm). */
  SYNC,
  /** At step t + lag exactly: deterministic, and asynchronous when the evaluator keeps up. */
  LAGGED,
  /** Whenever they arrive: lowest latency, not reproducible. */
  FREE;

  public static ApplyMode parse(String value) {
    if (value != null) {
      for (ApplyMode mode : values()) {
        if (mode.name().equals(value.trim().toUpperCase(Locale.ROOT))) {
          return mode;
        }
      }
    }
    throw new UserError("mix.apply = '" + value + "' is not valid; use sync, lagged or free");
  }
}
