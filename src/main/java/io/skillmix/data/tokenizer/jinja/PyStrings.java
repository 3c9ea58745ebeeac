package io.skillmix.data.tokenizer.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * Python's string methods as chat templates call them ({@code content.strip()}, {@code
 * .split('</think>')}, {@code .startswith(...)}, ...), with Python's semantics: {@code split}
 * keeps trailing empty parts, lengths and indexes count code points, whitespace is what {@code
 * str.isspace} says. Every string made is counted against the rendering's budget first.
 */
final class PyStrings {

  /** Python str methods this engine does not have: named as such rather than undefined. */
  private static final Set<String> UNSUPPORTED = Set.of("encode", "expandtabs", "format_map",
      "maketrans", "translate", "isidentifier", "isprintable", "isascii");

  private PyStrings() {}

  /** The bound method {@code s.name}, or null when str has no such method. */
  static PyFunction method(String s, String name, Budget budget) {
    return switch (name) {
      case "strip" -> m(name, 1, a -> rstrip(lstrip(s, chars(a)), chars(a)));
      case "lstrip" -> m(name, 1, a -> lstrip(s, chars(a)));
      case "rstrip" -> m(name, 1, a -> rstrip(s, chars(a)));
      case "split" -> m(name, 2, a -> StrSplits.split(s, a, false, budget));
      case "rsplit" -> m(name, 2, a -> StrSplits.split(s, a, true, budget));
      case "splitlines" -> m(name, 1, a -> StrSplits.splitlines(s, Py.truthy(a.get(0, "keepends", false)),
          budget));
      case "startswith" -> m(name, 3, a -> affix(s, a, true));
      case "endswith" -> m(name, 3, a -> affix(s, a, false));
      case "upper" -> m(name, 0, a -> budget.string(s.toUpperCase(Locale.ROOT)));
      case "lower", "casefold" -> m(name, 0, a -> budget.string(s.toLowerCase(Locale.ROOT)));
      case "title" -> m(name, 0, a -> title(s));
      case "capitalize" -> m(name, 0, a -> capitalize(s));
      case "swapcase" -> m(name, 0, a -> swapcase(s));
      case "replace" -> m(name, 3, a -> replace(s, str(a.get(0, "old", null)),
          str(a.get(1, "new", null)), count(a.get(2, "count", -1L)), budget));
      case "find", "index" -> m(name, 3, a -> find(s, a, false, name.equals("index")));
      case "rfind", "rindex" -> m(name, 3, a -> find(s, a, true, name.equals("rindex")));
      case "count" -> m(name, 3, a -> occurrences(s, a));
      case "join" -> m(name, 1, a -> join(s, a.get(0, "iterable", null), budget));
      case "isspace" -> m(name, 0, a -> all(s, Py::isSpace));
      case "isdigit", "isdecimal" -> m(name, 0, a -> all(s, Character::isDigit));
      case "isnumeric" -> m(name, 0, a -> all(s, PyStrings::numeric));
      case "isalpha" -> m(name, 0, a -> all(s, Character::isLetter));
      case "isalnum" -> m(name, 0, a -> all(s, c -> Character.isLetter(c) || numeric(c)));
      case "islower" -> m(name, 0, a -> cased(s, true));
      case "istitle" -> m(name, 0, a -> istitle(s));
      case "isupper" -> m(name, 0, a -> cased(s, false));
      case "center", "ljust", "rjust" -> m(name, 2, a -> pad(s, name, a, budget));
      case "zfill" -> m(name, 1, a -> zfill(s, count(a.get(0, "width", 0L)), budget));
      case "removeprefix" -> m(name, 1, a -> s.startsWith(str(a.get(0, "prefix", null)))
          ? s.substring(str(a.get(0, "prefix", null)).length()) : s);
      case "removesuffix" -> m(name, 1, a -> {
        String suffix = str(a.get(0, "suffix", null));
        return !suffix.isEmpty() && s.endsWith(suffix)
            ? s.substring(0, s.length() - suffix.length()) : s;
      });
      case "partition" -> m(name, 1, a -> partition(s, str(a.get(0, "sep", null)), false));
      case "rpartition" -> m(name, 1, a -> partition(s, str(a.get(0, "sep", null)), true));
      case "format" -> new PyFunction() {
        public String name() {
          return "format";
        }

        public Object call(Renderer r, Args args) {
          return Format.braces(s, args, r);
        }
      };
      default -> {
        if (UNSUPPORTED.contains(name)) {
          throw TemplateError.refused("str." + name + "() is not available in skillmix's chat"
              + " template engine");
        }
        yield null;
      }
    };
  }

  private static PyFunction m(String name, int maxArgs,
      java.util.function.Function<Args, Object> body) {
    return Attributes.method(name, (r, a) -> body.apply(a), maxArgs);
  }

  /** An argument that must be a string, as Python's str methods require. */
  static String str(Object v) {
    if (!(v instanceof String s)) {
      throw TemplateError.runtime("must be str, not " + Py.typeName(v));
    }
    return s;
  }

  static long count(Object v) {
    Long n = Py.integer(v);
    if (n == null) {
      throw TemplateError.runtime("'" + Py.typeName(v) + "' object cannot be interpreted as an"
          + " integer");
    }
    return n;
  }

  private static String chars(Args a) {
    Object v = a.get(0, "chars", null);
    return v == null ? null : str(v);
  }

  private static boolean strips(String chars, int c) {
    return chars == null ? Py.isSpace(c) : chars.indexOf(c) >= 0;
  }

  static String lstrip(String s, String chars) {
    int i = 0;
    while (i < s.length() && strips(chars, s.codePointAt(i))) {
      i += Character.charCount(s.codePointAt(i));
    }
    return s.substring(i);
  }

  static String rstrip(String s, String chars) {
    int i = s.length();
    while (i > 0 && strips(chars, s.codePointBefore(i))) {
      i -= Character.charCount(s.codePointBefore(i));
    }
    return s.substring(0, i);
  }

  /** The char index of code point {@code cp} of {@code s}, clamped as Python clamps indexes. */
  private static int offset(String s, Object cp, int fallback) {
    if (cp == null) {
      return fallback;
    }
    long i = count(cp);
    int n = s.codePointCount(0, s.length());
    i = i < 0 ? Math.max(0, i + n) : Math.min(i, n);
    return s.offsetByCodePoints(0, (int) i);
  }

  private static boolean affix(String s, Args a, boolean prefix) {
    Object what = a.get(0, prefix ? "prefix" : "suffix", null);
    String part = s.substring(offset(s, a.get(1, "start", null), 0),
        Math.max(offset(s, a.get(1, "start", null), 0), offset(s, a.get(2, "end", null),
            s.length())));
    if (what instanceof PyList tuple && tuple.isTuple()) {
      for (Object x : tuple) {
        if (prefix ? part.startsWith(str(x)) : part.endsWith(str(x))) {
          return true;
        }
      }
      return false;
    }
    if (!(what instanceof String text)) {
      throw TemplateError.runtime((prefix ? "startswith" : "endswith") + " first arg must be str"
          + " or a tuple of str, not " + Py.typeName(what));
    }
    return prefix ? part.startsWith(text) : part.endsWith(text);
  }

  private static String title(String s) {
    StringBuilder out = new StringBuilder(s.length());
    boolean previousCased = false;
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      out.appendCodePoint(previousCased ? Character.toLowerCase(c) : Character.toTitleCase(c));
      previousCased = Character.isUpperCase(c) || Character.isLowerCase(c)
          || Character.isTitleCase(c);
      i += Character.charCount(c);
    }
    return out.toString();
  }

  static String capitalize(String s) {
    if (s.isEmpty()) {
      return s;
    }
    int first = s.codePointAt(0);
    return new StringBuilder().appendCodePoint(Character.toTitleCase(first))
        .append(s.substring(Character.charCount(first)).toLowerCase(Locale.ROOT)).toString();
  }

  private static String swapcase(String s) {
    StringBuilder out = new StringBuilder(s.length());
    s.codePoints().forEach(c -> out.appendCodePoint(Character.isUpperCase(c)
        ? Character.toLowerCase(c) : Character.isLowerCase(c) ? Character.toUpperCase(c) : c));
    return out.toString();
  }

  static String replace(String s, String old, String with, long max, Budget budget) {
    long n = 0;
    if (old.isEmpty()) {
      n = s.codePointCount(0, s.length()) + 1;
    } else {
      for (int at = s.indexOf(old); at >= 0; at = s.indexOf(old, at + old.length())) {
        n++;
      }
    }
    n = max < 0 ? n : Math.min(n, max);
    budget.chars(s.length() + n * (with.length() - old.length()));
    if (max < 0) {
      return s.replace(old, with);
    }
    StringBuilder out = new StringBuilder();
    int from = 0;
    for (long k = 0; k < n; k++) {
      int at = old.isEmpty() ? (k == 0 ? 0 : s.offsetByCodePoints(from, 1)) : s.indexOf(old, from);
      out.append(s, from, at).append(with);
      from = at + old.length();
    }
    return out.append(s.substring(from)).toString();
  }

  private static long find(String s, Args a, boolean fromRight, boolean raise) {
    String sub = str(a.get(0, "sub", null));
    int start = offset(s, a.get(1, "start", null), 0);
    int end = offset(s, a.get(2, "end", null), s.length());
    int at = -1;
    if (start <= end) {
      String region = s.substring(start, end);
      int i = fromRight ? region.lastIndexOf(sub) : region.indexOf(sub);
      at = i < 0 ? -1 : start + i;
    }
    if (at < 0 && raise) {
      throw TemplateError.runtime("substring not found");
    }
    return at < 0 ? -1 : s.codePointCount(0, at);
  }

  private static long occurrences(String s, Args a) {
    String sub = str(a.get(0, "sub", null));
    String region = s.substring(offset(s, a.get(1, "start", null), 0),
        Math.max(offset(s, a.get(1, "start", null), 0), offset(s, a.get(2, "end", null),
            s.length())));
    if (sub.isEmpty()) {
      return region.codePointCount(0, region.length()) + 1;
    }
    long n = 0;
    for (int at = region.indexOf(sub); at >= 0; at = region.indexOf(sub, at + sub.length())) {
      n++;
    }
    return n;
  }

  static String join(String sep, Object iterable, Budget budget) {
    List<Object> items = Py.iterate(iterable);
    long total = (long) sep.length() * Math.max(0, items.size() - 1);
    for (int i = 0; i < items.size(); i++) {
      if (!(items.get(i) instanceof String s)) {
        throw TemplateError.runtime("sequence item " + i + ": expected str instance, "
            + Py.typeName(items.get(i)) + " found");
      }
      total += s.length();
    }
    budget.chars(total);
    budget.steps(items.size());
    StringBuilder out = new StringBuilder((int) total);
    for (int i = 0; i < items.size(); i++) {
      out.append(i > 0 ? sep : "").append((String) items.get(i));
    }
    return out.toString();
  }

  private static boolean numeric(int c) {
    int t = Character.getType(c);
    return t == Character.DECIMAL_DIGIT_NUMBER || t == Character.LETTER_NUMBER
        || t == Character.OTHER_NUMBER;
  }

  private static boolean all(String s, IntPredicate test) {
    return !s.isEmpty() && s.codePoints().allMatch(test);
  }

  private static boolean cased(String s, boolean lower) {
    boolean any = false;
    for (int c : s.codePoints().toArray()) {
      if (lower ? Character.isUpperCase(c) || Character.isTitleCase(c) : Character.isLowerCase(c)
          || Character.isTitleCase(c)) {
        return false;
      }
      any |= lower ? Character.isLowerCase(c) : Character.isUpperCase(c);
    }
    return any;
  }

  private static boolean istitle(String s) {
    boolean previousCased = false;
    boolean any = false;
    for (int c : s.codePoints().toArray()) {
      boolean upper = Character.isUpperCase(c) || Character.isTitleCase(c);
      boolean lower = Character.isLowerCase(c);
      if (upper && previousCased || lower && !previousCased) {
        return false;
      }
      any |= upper;
      previousCased = upper || lower;
    }
    return any;
  }

  private static String pad(String s, String how, Args a, Budget budget) {
    long width = count(a.get(0, "width", 0L));
    String fill = str(a.get(1, "fillchar", " "));
    if (fill.codePointCount(0, fill.length()) != 1) {
      throw TemplateError.runtime("The fill character must be exactly one character long");
    }
    long n = s.codePointCount(0, s.length());
    if (width <= n) {
      return s;
    }
    budget.chars(width * fill.length());
    long total = width - n;
    long left = switch (how) {
      case "ljust" -> 0;
      case "rjust" -> total;
      default -> total / 2 + (total & width & 1); // Python's center puts the odd one left
    };
    return fill.repeat((int) left) + s + fill.repeat((int) (total - left));
  }

  private static String zfill(String s, long width, Budget budget) {
    long n = s.codePointCount(0, s.length());
    if (width <= n) {
      return s;
    }
    budget.chars(width);
    boolean sign = !s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-');
    String zeros = "0".repeat((int) (width - n));
    return sign ? s.charAt(0) + zeros + s.substring(1) : zeros + s;
  }

  private static PyList partition(String s, String sep, boolean fromRight) {
    if (sep.isEmpty()) {
      throw TemplateError.runtime("empty separator");
    }
    int at = fromRight ? s.lastIndexOf(sep) : s.indexOf(sep);
    if (at < 0) {
      return fromRight ? tuple("", "", s) : tuple(s, "", "");
    }
    return tuple(s.substring(0, at), sep, s.substring(at + sep.length()));
  }

  private static PyList tuple(String a, String b, String c) {
    List<Object> items = new ArrayList<>(3);
    items.add(a);
    items.add(b);
    items.add(c);
    return PyList.tuple(items);
  }
}
