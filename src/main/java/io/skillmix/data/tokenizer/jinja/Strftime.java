package io.skillmix.data.tokenizer.jinja;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Python's {@code strftime} codes, for the {@code strftime_now} of chat templates (Llama 3.2). */
final class Strftime {

  private Strftime() {}

  static String format(LocalDateTime t, String format) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < format.length(); i++) {
      char c = format.charAt(i);
      if (c != '%' || i + 1 == format.length()) {
        out.append(c);
        continue;
      }
      char code = format.charAt(++i);
      out.append(switch (code) {
        case 'a' -> pattern(t, "EEE");
        case 'A' -> pattern(t, "EEEE");
        case 'b', 'h' -> pattern(t, "MMM");
        case 'B' -> pattern(t, "MMMM");
        case 'd' -> pattern(t, "dd");
        case 'e' -> String.format(Locale.ROOT, "%2d", t.getDayOfMonth());
        case 'H' -> pattern(t, "HH");
        case 'I' -> pattern(t, "hh");
        case 'j' -> String.format(Locale.ROOT, "%03d", t.getDayOfYear());
        case 'm' -> pattern(t, "MM");
        case 'M' -> pattern(t, "mm");
        case 'p' -> pattern(t, "a").toUpperCase(Locale.ROOT);
        case 'S' -> pattern(t, "ss");
        case 'y' -> pattern(t, "yy");
        case 'Y' -> pattern(t, "yyyy");
        case 'F' -> pattern(t, "yyyy-MM-dd");
        case 'T' -> pattern(t, "HH:mm:ss");
        case '%' -> "%";
        default -> "%" + code;
      });
    }
    return out.toString();
  }

  private static String pattern(LocalDateTime t, String pattern) {
    return t.format(DateTimeFormatter.ofPattern(pattern, Locale.ENGLISH));
  }
}
