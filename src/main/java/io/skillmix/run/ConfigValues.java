package io.skillmix.run;

import com.typesafe.config.Config;
import io.skillmix.UserError;
import java.time.Duration;
import java.util.Locale;

/**
 * The checked readers behind {@link RunSettings}: each reads one value of a key and refuses a bad
 * one with a {@link UserError} that names the key and says what it may be.
 */
final class ConfigValues {

  private ConfigValues() {}

  /** {@code read}, its refusal also naming the other choice, auto. */
  static int orAuto(java.util.function.IntSupplier read) {
    try {
      return read.getAsInt();
    } catch (UserError e) {
      throw new UserError(e.getMessage() + "; use a positive whole number or auto");
    }
  }

  /** Whether {@code key} is the word auto (any case). */
  static boolean isAuto(Config c, String key) {
    Object raw = c.getValue(key).unwrapped();
    return raw instanceof String text && text.trim().equalsIgnoreCase("auto");
  }

  static String oneOf(Config c, String key, String... choices) {
    String value = c.getString(key).trim().toLowerCase(Locale.ROOT);
    for (String choice : choices) {
      if (choice.equals(value)) {
        return value;
      }
    }
    throw new UserError(key + " = '" + c.getString(key) + "' is not one of " + String.join(", ", choices));
  }

  static Duration positiveDuration(Config c, String key) {
    Duration d = c.getDuration(key);
    if (d.isZero() || d.isNegative()) {
      throw new UserError(key + " = " + c.getString(key) + " must be positive, such as 2m");
    }
    return d;
  }

  /**
   * A count: Typesafe's getLong reads 2.5 as 2, so a fractional value is refused here instead of
   * silently rounded.
   */
  static Long wholeNumber(Config c, String key) {
    Object raw = c.getValue(key).unwrapped();
    if (raw instanceof Number n && !(n instanceof Double || n instanceof Float)) {
      return n.longValue();
    }
    if (raw instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && !Double.isInfinite(n.doubleValue())) {
      return n.longValue();
    }
    if (raw instanceof String text) {
      try {
        return Long.parseLong(text.trim());
      } catch (NumberFormatException e) {
        throw new UserError(key + " = '" + text + "' is not a whole number");
      }
    }
    throw new UserError(key + " = " + c.getValue(key).render() + " is not a whole number");
  }

  static int nonNegativeInt(Config c, String key) {
    int v = Math.toIntExact(wholeNumber(c, key));
    if (v < 0) {
      throw new UserError(key + " = " + v + " must be 0 or more");
    }
    return v;
  }

  static long positiveLong(Config c, String key) {
    long v = wholeNumber(c, key);
    if (v <= 0) {
      throw new UserError(key + " = " + v + " must be positive");
    }
    return v;
  }

  static int positiveInt(Config c, String key) {
    return Math.toIntExact(positiveLong(c, key));
  }

  static double positive(Config c, String key) {
    double v = c.getDouble(key);
    if (!(v > 0)) {
      throw new UserError(key + " = " + v + " must be positive");
    }
    return v;
  }

  static double nonNegative(Config c, String key) {
    double v = c.getDouble(key);
    if (!(v >= 0)) {
      throw new UserError(key + " = " + v + " must not be negative");
    }
    return v;
  }

  static double fraction(Config c, String key) {
    double v = c.getDouble(key);
    if (!(v >= 0 && v < 1)) {
      throw new UserError(key + " = " + v + " must be in [0, 1)");
    }
    return v;
  }
}
