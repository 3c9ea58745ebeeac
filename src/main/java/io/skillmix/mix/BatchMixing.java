package io.skillmix.mix;

import io.skillmix.UserError;
import java.util.Locale;

/** How a training batch is composed from the mixture ({@code mix.batch-mixing}). */
public enum BatchMixing {
  /**
   * Every example draws its dataset from the probabilities in effect, so every batch mixes skills
   * (the official code's {@code MultiDataset.__getitem__}): a run realises its mixture from
   * steps × batch-size draws.
   */
  EXAMPLE,
  /** One draw per step and the whole batch from that dataset (skillmix before; kept as an ablation). */
  BATCH;

  public static BatchMixing parse(String value) {
    if (value != null) {
      for (BatchMixing mode : values()) {
        if (mode.name().equals(value.trim().toUpperCase(Locale.ROOT))) {
          return mode;
        }
      }
    }
    throw new UserError("mix.batch-mixing = '" + value + "' is not valid; use example (each example draws its"
        + " dataset) or batch (one dataset per step)");
  }
}
