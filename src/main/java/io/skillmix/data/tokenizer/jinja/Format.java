package io.skillmix.data.tokenizer.jinja;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;

/**
 * Python's two string formattings in their common forms: {@code fmt % args} (also the {@code
 * format} filter) with {@code %s %r %d %i %f %e %g %x %o %c %%}, flags, width and precision; and
 * {@code str.format} with {@code {}}, {@code {0}}, {@code {name}}, {@code !r}, and specs of fill,
 * align, sign, width, precision and type. Widths count against the budget before padding is made.
 */
final class Format {

  private Format() {}

  static String percent(String fmt, Object args, Budget budget) {
    List<Object> values = args instanceof PyList l && l.isTuple() ? l.items
        : java.util.Collections.singletonList(args);
    PyDict mapping = args instanceof PyDict d ? d : null;
    StringBuilder out = new StringBuilder();
    int next = 0;
    int i = 0;
    while (i < fmt.length()) {
      char c = fmt.charAt(i++);
      if (c != '%') {
        out.append(c);
        continue;
      }
      if (i >= fmt.length()) {
        throw TemplateError.runtime("incomplete format");
      }
      Object value = null;
      boolean named = false;
      if (fmt.charAt(i) == '(') {
        int close = fmt.indexOf(')', i);
        if (close < 0 || mapping == null) {
          throw TemplateError.runtime(mapping == null ? "format requires a mapping"
              : "incomplete format key");
        }
        String key = fmt.substring(i + 1, close);
        if (!mapping.has(key)) {
          throw TemplateError.runtime(PyText.repr(key));
        }
        value = mapping.get(key);
        named = true;
        i = close + 1;
      }
      int specStart = i;
      while (i < fmt.length() && "-+ #0".indexOf(fmt.charAt(i)) >= 0) {
        i++;
      }
      String flags = fmt.substring(specStart, i);
      int widthStart = i;
      while (i < fmt.length() && (Character.isDigit(fmt.charAt(i)) || fmt.charAt(i) == '.')) {
        i++;
      }
      String widthPrecision = fmt.substring(widthStart, i);
      while (i < fmt.length() && "hlL".indexOf(fmt.charAt(i)) >= 0) {
        i++;
      }
      if (i >= fmt.length()) {
        throw TemplateError.runtime("incomplete format");
      }
      char type = fmt.charAt(i++);
      if (type == '%') {
        out.append('%');
        continue;
      }
      if (!named) {
        if (next >= values.size()) {
          throw TemplateError.runtime("not enough arguments for format string");
        }
        value = values.get(next++);
      }
      int dot = widthPrecision.indexOf('.');
      long width = parse(dot < 0 ? widthPrecision : widthPrecision.substring(0, dot), 0);
      int precision = (int) parse(dot < 0 ? "" : widthPrecision.substring(dot + 1), -1);
      out.append(align(convert(value, type, precision, flags, budget), width,
          flags.contains("-") ? '<' : '>', flags.contains("0") && type != 's' && type != 'r'
              ? '0' : ' ', budget));
      budget.output(out.length());
    }
    if (mapping == null && next < values.size()) {
      throw TemplateError.runtime("not all arguments converted during string formatting");
    }
    return budget.string(out.toString());
  }

  private static long parse(String digits, long fallback) {
    if (digits.isEmpty()) {
      return fallback;
    }
    if (digits.length() > 9) {
      throw TemplateError.bound("a format width of " + digits + " characters");
    }
    return Long.parseLong(digits);
  }

  private static String convert(Object v, char type, int precision, String flags, Budget b) {
    String sign = flags.contains("+") ? "+" : flags.contains(" ") ? " " : "";
    switch (type) {
      case 's':
        return precisionCut(PyText.str(v, b.maxChars()), precision);
      case 'r':
      case 'a':
        return precisionCut(PyText.repr(v, b.maxChars()), precision);
      case 'd':
      case 'i':
      case 'u':
        return signed(integer(v, type), sign);
      case 'x':
        return Long.toHexString(integer(v, type));
      case 'X':
        return Long.toHexString(integer(v, type)).toUpperCase(Locale.ROOT);
      case 'o':
        return Long.toOctalString(integer(v, type));
      case 'c':
        return v instanceof String s ? s : new String(Character.toChars(integer(v, type).intValue()));
      case 'f':
      case 'F':
        return fixed(real(v, type), precision < 0 ? 6 : precision, sign);
      case 'e':
      case 'E':
      case 'g':
      case 'G':
        String s = String.format(Locale.ROOT, "%" + (precision < 0 ? "" : "." + precision)
            + type, real(v, type));
        return (real(v, type) >= 0 ? sign : "") + s;
      default:
        throw TemplateError.runtime("unsupported format character '" + type + "'");
    }
  }

  private static String precisionCut(String s, int precision) {
    return precision >= 0 && precision < s.length() ? s.substring(0, precision) : s;
  }

  private static String signed(long n, String sign) {
    return (n >= 0 ? sign : "") + n;
  }

  /** {@code d} with {@code digits} decimals, rounded as Python rounds (the exact binary value). */
  static String fixed(double d, int digits, String sign) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return PyText.floatRepr(d);
    }
    String s = new BigDecimal(d).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
    return (d >= 0 ? sign : "") + s;
  }

  private static Long integer(Object v, char type) {
    Long n = Py.integer(v);
    if (n == null && v instanceof Double d) {
      n = (long) (double) d;
    }
    if (n == null) {
      throw TemplateError.runtime("%" + type + " format: a real number is required, not "
          + Py.typeName(v));
    }
    return n;
  }

  private static double real(Object v, char type) {
    if (!Py.isNumber(v)) {
      throw TemplateError.runtime("must be real number, not " + Py.typeName(v));
    }
    return Py.toDouble(v);
  }

  private static String align(String s, long width, char align, char fill, Budget budget) {
    long n = s.codePointCount(0, s.length());
    if (width <= n) {
      return s;
    }
    budget.chars(width);
    String pad = String.valueOf(fill).repeat((int) (width - n));
    if (align == '<') {
      return s + pad;
    }
    if (align == '^') {
      int left = (int) (width - n) / 2;
      return pad.substring(0, left) + s + pad.substring(left);
    }
    if (fill == '0' && !s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      return s.charAt(0) + pad + s.substring(1);
    }
    return pad + s;
  }

  /** {@code fmt.format(*args, **kwargs)}. */
  static String braces(String fmt, Args args, Renderer r) {
    StringBuilder out = new StringBuilder();
    int auto = 0;
    int i = 0;
    while (i < fmt.length()) {
      char c = fmt.charAt(i);
      if (c == '}' ) {
        if (i + 1 < fmt.length() && fmt.charAt(i + 1) == '}') {
          out.append('}');
          i += 2;
          continue;
        }
        throw TemplateError.runtime("Single '}' encountered in format string");
      }
      if (c != '{') {
        out.append(c);
        i++;
        continue;
      }
      if (i + 1 < fmt.length() && fmt.charAt(i + 1) == '{') {
        out.append('{');
        i += 2;
        continue;
      }
      int close = fmt.indexOf('}', i);
      if (close < 0) {
        throw TemplateError.runtime("expected '}' before end of string");
      }
      String field = fmt.substring(i + 1, close);
      i = close + 1;
      String spec = "";
      int colon = field.indexOf(':');
      if (colon >= 0) {
        spec = field.substring(colon + 1);
        field = field.substring(0, colon);
      }
      char conversion = 0;
      int bang = field.indexOf('!');
      if (bang >= 0) {
        conversion = bang + 1 < field.length() ? field.charAt(bang + 1) : 0;
        field = field.substring(0, bang);
      }
      Object value;
      if (field.isEmpty() || Character.isDigit(field.charAt(0))) {
        int index = field.isEmpty() ? auto++ : Integer.parseInt(field.replaceAll("\\D.*", ""));
        if (index >= args.size()) {
          throw TemplateError.runtime("Replacement index " + index
              + " out of range for positional args tuple");
        }
        value = args.positional().get(index);
      } else {
        String key = field.split("[.\\[]", 2)[0];
        if (!args.keywords().containsKey(key)) {
          throw TemplateError.runtime(PyText.repr(key));
        }
        value = args.keywords().get(key);
      }
      out.append(spec(conversion == 'r' || conversion == 'a' ? PyText.repr(value, r.limits.chars())
          : conversion == 's' ? r.str(value) : value, spec, r));
      r.budget.output(out.length());
    }
    return r.budget.string(out.toString());
  }

  /** Python's format-spec mini-language: [[fill]align][sign][0][width][.precision][type]. */
  private static String spec(Object value, String spec, Renderer r) {
    if (spec.isEmpty()) {
      return r.str(value);
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(
        "(?:(.)?([<>^=]))?([+\\- ])?(0)?(\\d+)?(?:\\.(\\d+))?([sdfFeEgGxXo%])?").matcher(spec);
    if (!m.matches()) {
      throw TemplateError.runtime("Invalid format specifier '" + spec + "'");
    }
    char fill = m.group(1) != null ? m.group(1).charAt(0) : m.group(4) != null ? '0' : ' ';
    char align = m.group(2) != null ? m.group(2).charAt(0) : value instanceof String ? '<' : '>';
    int precision = m.group(6) == null ? -1 : Integer.parseInt(m.group(6));
    String sign = m.group(3) == null || m.group(3).equals("-") ? "" : m.group(3);
    char type = m.group(7) == null ? (value instanceof String ? 's' : 0) : m.group(7).charAt(0);
    String body;
    if (type == '%') {
      body = fixed(real(value, type) * 100, precision < 0 ? 6 : precision, sign) + "%";
    } else if (type == 0) {
      body = (Py.isNumber(value) && !(value instanceof Boolean) && Py.toDouble(value) >= 0 ? sign
          : "") + r.str(value);
    } else {
      body = convert(value, type, precision, sign, r.budget);
    }
    return align(body, parse(m.group(5) == null ? "" : m.group(5), 0), align == '=' ? '>'
        : align, fill, r.budget);
  }
}
