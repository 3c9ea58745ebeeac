package io.skillmix.mix;

import io.skillmix.UserError;
import java.util.Arrays;
import java.util.Locale;

/** Reads a setting that takes one of a type's values, spelled as each value's {@code toString()}. */
final class Choices {

  private Choices() {}

  /** The value spelled {@code value} (any case, spaces around), or a UserError naming {@code key} and the choices. */
  static <T> T parse(String key, String value, T[] choices) {
    String wanted = value == null ? null : value.trim().toLowerCase(Locale.ROOT);
    for (T choice : choices) {
      if (choice.toString().equals(wanted)) {
        return choice;
      }
    }
    throw new UserError(key + " = '" + value + "' is not one of "
        + String.join(", ", Arrays.stream(choices).map(Object::toString).toList()));
  }
}
