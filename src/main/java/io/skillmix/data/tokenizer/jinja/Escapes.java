package io.skillmix.data.tokenizer.jinja;

/**
 * The escapes of a Jinja2 string literal, as Jinja2 decodes them (Python's {@code
 * unicode-escape}): {@code \n \t \r \\ \' \"}, {@code \a \b \f \v}, octal {@code \o..},
 * {@code \\xhh}, {@code \\uhhhh}, {@code \\Uhhhhhhhh}, {@code \N{NAME}}; a backslash before a newline
 * joins the lines; any other backslash stays as it is.
 */
final class Escapes {

  private Escapes() {}

  static String decode(String s, int line) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c != '\\') {
        out.append(c);
        i++;
        continue;
      }
      if (i + 1 >= s.length()) {
        throw TemplateError.syntax("\\ at end of string", line);
      }
      char e = s.charAt(i + 1);
      i += 2;
      switch (e) {
        case '\n' -> { }
        case '\\', '\'', '"' -> out.append(e);
        case 'a' -> out.append('\u0007');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'v' -> out.append('\u000b');
        case 'x' -> i = hex(s, i, 2, out, line);
        case 'u' -> i = hex(s, i, 4, out, line);
        case 'U' -> i = hex(s, i, 8, out, line);
        case 'N' -> i = named(s, i, out, line);
        default -> {
          if (e >= '0' && e <= '7') {
            int end = i - 1;
            while (end < s.length() && end < i + 2 && s.charAt(end) >= '0' && s.charAt(end) <= '7') {
              end++;
            }
            out.appendCodePoint(Integer.parseInt(s.substring(i - 1, end), 8));
            i = end;
          } else {
            out.append('\\').append(e);
          }
        }
      }
    }
    return out.toString();
  }

  private static int hex(String s, int at, int digits, StringBuilder out, int line) {
    if (at + digits > s.length() || !s.substring(at, at + digits).matches("[0-9a-fA-F]+")) {
      throw TemplateError.syntax("truncated \\" + (digits == 2 ? "xXX" : digits == 4 ? "uXXXX"
          : "UXXXXXXXX") + " escape", line);
    }
    long cp = Long.parseLong(s.substring(at, at + digits), 16);
    if (cp > Character.MAX_CODE_POINT) {
      throw TemplateError.syntax("illegal Unicode character", line);
    }
    out.appendCodePoint((int) cp);
    return at + digits;
  }

  private static int named(String s, int at, StringBuilder out, int line) {
    int close = s.indexOf('}', at);
    if (at >= s.length() || s.charAt(at) != '{' || close < 0) {
      throw TemplateError.syntax("malformed \\N character escape", line);
    }
    try {
      out.appendCodePoint(Character.codePointOf(s.substring(at + 1, close)));
    } catch (IllegalArgumentException e) {
      throw TemplateError.syntax("unknown Unicode character name", line);
    }
    return close + 1;
  }
}
