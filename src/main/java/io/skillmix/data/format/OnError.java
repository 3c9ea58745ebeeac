package io.skillmix.data.format;

import io.skillmix.UserError;
import java.util.Locale;

/** What to do with a bad record ({@code data.on-error}). */
public enum OnError {
  /** Stop at the first bad record with its {@code FILE:LINE: reason}. */
  FAIL,
  /** Leave bad records out, count them and keep the first few in the run's report. */
  SKIP;

  public static OnError parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UserError("data.on-error = '" + value + "' is not valid; use fail or skip");
    }
  }
}
