package io.skillmix.data.tokenizer.jinja;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Jinja2's default filters ({@code jinja2/filters.py}) as Hugging Face's environment has them,
 * {@code tojson} being Hugging Face's own ({@link PyJson}). The string filters are here; those
 * over sequences are {@link SequenceFilters}. Filters that would need the network, randomness or
 * HTML machinery ({@code random}, {@code urlize}, {@code urlencode}, {@code xmlattr}, {@code
 * pprint}, {@code filesizeformat}, {@code wordwrap}, {@code striptags}) are refused by name.
 */
final class Filters {

  private static final Set<String> STRING_FILTERS = Set.of("capitalize", "center", "e",
      "escape", "forceescape", "format", "indent", "lower", "replace", "safe", "string", "title",
      "trim", "truncate", "upper", "wordcount", "tojson", "abs", "float", "int", "round", "d",
      "default", "attr", "count", "length");
  private static final Set<String> UNAVAILABLE = Set.of("filesizeformat", "pprint", "random",
      "urlencode", "urlize", "wordwrap", "xmlattr", "striptags");
  private static final Pattern WORD = Pattern.compile("\\w+", Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern WORD_BEGINNING = Pattern.compile("([-\\s({\\[<]+)",
      Pattern.UNICODE_CHARACTER_CLASS);

  private Filters() {}

  static boolean exists(String name) {
    return STRING_FILTERS.contains(name) || SequenceFilters.NAMES.contains(name)
        || UNAVAILABLE.contains(name);
  }

  static Object apply(String name, Object v, Args a, Renderer r) {
    r.budget.step();
    if (SequenceFilters.NAMES.contains(name)) {
      return SequenceFilters.apply(name, v, a, r);
    }
    if (UNAVAILABLE.contains(name)) {
      throw TemplateError.refused("the filter '" + name + "' is not available in skillmix's"
          + " chat template engine");
    }
    return switch (name) {
      case "d", "default" -> v instanceof Undefined
          || Py.truthy(a.get(1, "boolean", false)) && !Py.truthy(v) ? a.get(0, "default_value",
              "") : v;
      case "length", "count" -> Py.len(v);
      case "string", "safe" -> r.str(v);
      case "trim" -> {
        Object chars = a.get(0, "chars", null);
        String s = r.str(v);
        yield PyStrings.rstrip(PyStrings.lstrip(s, chars == null ? null : PyStrings.str(chars)),
            chars == null ? null : PyStrings.str(chars));
      }
      case "upper" -> r.budget.string(r.str(v).toUpperCase(Locale.ROOT));
      case "lower" -> r.budget.string(r.str(v).toLowerCase(Locale.ROOT));
      case "capitalize" -> PyStrings.capitalize(r.str(v));
      case "title" -> title(r.str(v));
      case "replace" -> {
        Object count = a.get(2, "count", null);
        yield PyStrings.replace(r.str(v), r.str(a.get(0, "old", "")), r.str(a.get(1, "new", "")),
            count == null ? -1 : Py.integer(count), r.budget);
      }
      case "center" -> PyStrings.method(r.str(v), "center", r.budget)
          .call(r, Args.of(a.get(0, "width", 80L)));
      case "indent" -> indent(r.str(v), a, r);
      case "truncate" -> truncate(r.str(v), a);
      case "wordcount" -> (long) WORD.matcher(r.str(v)).results().count();
      case "e", "escape", "forceescape" -> escape(r.str(v), r);
      case "format" -> Format.percent(r.str(v), a.keywords().isEmpty()
          ? PyList.tuple(new java.util.ArrayList<>(a.positional())) : keywordDict(a), r.budget);
      case "tojson" -> PyJson.dumps(v, a, r);
      case "abs" -> abs(v);
      case "int" -> toInt(v, a);
      case "float" -> toFloat(v, a);
      case "round" -> round(v, a);
      case "attr" -> attr(v, r.str(a.get(0, "name", "")), r);
      default -> throw TemplateError.runtime("No filter named '" + name + "'.");
    };
  }

  /** The keyword arguments as a dict: the mapping of {@code '%(name)s'|format(name=...)}. */
  static PyDict keywordDict(Args a) {
    PyDict.Builder d = new PyDict.Builder();
    a.keywords().forEach(d::put);
    return d.build();
  }

  private static String title(String s) {
    StringBuilder out = new StringBuilder(s.length());
    java.util.regex.Matcher m = WORD_BEGINNING.matcher(s);
    int from = 0;
    while (m.find()) {
      titleWord(s.substring(from, m.start()), out);
      titleWord(m.group(), out);
      from = m.end();
    }
    titleWord(s.substring(from), out);
    return out.toString();
  }

  private static void titleWord(String item, StringBuilder out) {
    if (!item.isEmpty()) {
      int first = item.codePointAt(0);
      out.append(new String(Character.toChars(first)).toUpperCase(Locale.ROOT))
          .append(item.substring(Character.charCount(first)).toLowerCase(Locale.ROOT));
    }
  }

  private static String indent(String s, Args a, Renderer r) {
    Object width = a.get(0, "width", 4L);
    String indention = width instanceof String w ? w : " ".repeat((int) Math.max(0,
        Math.min(r.limits.chars(), Py.integer(width) == null ? 4 : Py.integer(width))));
    boolean first = Py.truthy(a.get(1, "first", false));
    boolean blank = Py.truthy(a.get(2, "blank", false));
    List<Object> lines = ((PyList) PyStrings.method(s + "\n", "splitlines", r.budget)
        .call(r, Args.of())).items;
    r.budget.chars(s.length() + (long) lines.size() * indention.length());
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      String line = (String) lines.get(i);
      if (i > 0) {
        out.append('\n');
        if (blank || !line.isEmpty()) {
          out.append(indention);
        }
      }
      out.append(line);
    }
    return (first ? indention : "") + out;
  }

  private static String truncate(String s, Args a) {
    long length = Py.integer(a.get(0, "length", 255L));
    boolean killwords = Py.truthy(a.get(1, "killwords", false));
    String end = PyStrings.str(a.get(2, "end", "..."));
    Object leewayArg = a.get(3, "leeway", null);
    long leeway = leewayArg == null ? 5 : Py.integer(leewayArg);
    if (length < end.length() || leeway < 0) {
      throw TemplateError.runtime("expected length >= " + end.length() + ", got " + length);
    }
    int n = s.codePointCount(0, s.length());
    if (n <= length + leeway) {
      return s;
    }
    String head = s.substring(0, s.offsetByCodePoints(0, (int) (length - end.length())));
    if (killwords) {
      return head + end;
    }
    int space = head.lastIndexOf(' ');
    return (space < 0 ? head : head.substring(0, space)) + end;
  }

  private static String escape(String s, Renderer r) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&#34;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return r.budget.string(out.toString());
  }

  private static Object abs(Object v) {
    if (v instanceof Double d) {
      return Math.abs(d);
    }
    Long n = Py.integer(v);
    if (n == null) {
      throw TemplateError.runtime("bad operand type for abs(): '" + Py.typeName(v) + "'");
    }
    return Math.abs(n);
  }

  private static Object toInt(Object v, Args a) {
    Object fallback = a.get(0, "default", 0L);
    long base = Py.integer(a.get(1, "base", 10L));
    if (v instanceof String s) {
      String t = s.strip().replace("_", "").toLowerCase(Locale.ROOT);
      String sign = t.startsWith("-") ? "-" : "";
      t = t.startsWith("+") || t.startsWith("-") ? t.substring(1) : t;
      for (String[] prefix : new String[][] {{"0x", "16"}, {"0o", "8"}, {"0b", "2"}}) {
        if (t.startsWith(prefix[0]) && (base == 0 || base == Long.parseLong(prefix[1]))) {
          base = Long.parseLong(prefix[1]);
          t = t.substring(2);
        }
      }
      try {
        return Long.parseLong(sign + t, base == 0 ? 10 : (int) base);
      } catch (NumberFormatException e) {
        Double d = parseFloat(s);
        return d == null || d.isNaN() || d.isInfinite() ? fallback : (Object) (long) (double) d;
      }
    }
    if (v instanceof Double d) {
      return d.isNaN() || d.isInfinite() ? fallback : (Object) (long) (double) d;
    }
    Long n = Py.integer(v);
    return n != null ? n : fallback;
  }

  private static Object toFloat(Object v, Args a) {
    Object fallback = a.get(0, "default", 0.0);
    if (v instanceof String s) {
      Double d = parseFloat(s);
      return d == null ? fallback : d;
    }
    return Py.isNumber(v) ? (Object) Py.toDouble(v) : fallback;
  }

  /** Python's {@code float(s)}: digits, underscores, inf and nan; null when it is not a number. */
  private static Double parseFloat(String s) {
    String t = s.strip().toLowerCase(Locale.ROOT);
    String unsigned = t.startsWith("+") || t.startsWith("-") ? t.substring(1) : t;
    if (unsigned.equals("inf") || unsigned.equals("infinity") || unsigned.equals("nan")) {
      double d = unsigned.equals("nan") ? Double.NaN : Double.POSITIVE_INFINITY;
      return t.startsWith("-") ? -d : d;
    }
    if (!t.matches("[+-]?(\\d(_?\\d)*)?(\\.(\\d(_?\\d)*)?)?(e[+-]?\\d(_?\\d)*)?")
        || !t.matches(".*\\d.*")) {
      return null;
    }
    return Double.parseDouble(t.replace("_", ""));
  }

  private static Object round(Object v, Args a) {
    long precision = Py.integer(a.get(0, "precision", 0L));
    String method = String.valueOf(a.get(1, "method", "common"));
    if (!Set.of("common", "ceil", "floor").contains(method)) {
      throw TemplateError.runtime("method must be common, ceil or floor");
    }
    if (!Py.isNumber(v)) {
      throw TemplateError.runtime("type " + Py.typeName(v) + " doesn't define __round__ method");
    }
    if (method.equals("common") && v instanceof Long n) {
      return n; // round(int, n) is the int
    }
    double d = Py.toDouble(v);
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return d;
    }
    RoundingMode mode = switch (method) {
      case "ceil" -> RoundingMode.CEILING;
      case "floor" -> RoundingMode.FLOOR;
      default -> RoundingMode.HALF_EVEN;
    };
    return new BigDecimal(d).setScale((int) precision, mode).doubleValue();
  }

  private static Object attr(Object v, String name, Renderer r) {
    if (v instanceof PyDict d && !Set.of("items", "keys", "values", "get", "copy")
        .contains(name)) {
      return Undefined.member(d, name); // attr() looks at attributes only, never items
    }
    return r.attributes().getattr(v, name);
  }
}
