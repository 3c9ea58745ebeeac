package io.skillmix.data.tokenizer;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Python's string methods on Jinjava strings, with Python's semantics, as chat templates call
 * them: {@code content.strip()}, {@code .strip('\n')}, {@code .startswith(...)}, {@code
 * .split('</think>')} (which keeps trailing empty parts, unlike Java's), {@code .upper()}, ...
 * Other calls fall through to Jinjava's own resolver.
 */
final class PyStrings extends ELResolver {

  @Override
  public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes,
      Object[] params) {
    if (!(base instanceof String s) || !(method instanceof String name)) {
      return null;
    }
    Object[] p = params == null ? new Object[0] : params;
    Object result = call(s, name, p);
    if (result != NOT_FOUND) {
      context.setPropertyResolved(true);
      return result;
    }
    return null;
  }

  private static final Object NOT_FOUND = new Object();

  private static Object call(String s, String name, Object[] p) {
    return switch (name) {
      case "strip" -> rstrip(lstrip(s, chars(p)), chars(p));
      case "lstrip" -> lstrip(s, chars(p));
      case "rstrip" -> rstrip(s, chars(p));
      case "startswith" -> p.length == 1 && anyMatch(p[0], s::startsWith);
      case "endswith" -> p.length == 1 && anyMatch(p[0], s::endsWith);
      case "split" -> p.length == 0 || p[0] == null ? splitWhitespace(s) : split(s, str(p[0]));
      case "upper" -> s.toUpperCase(Locale.ROOT);
      case "lower" -> s.toLowerCase(Locale.ROOT);
      case "title" -> title(s);
      case "capitalize" -> s.isEmpty() ? s
          : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
      case "replace" -> p.length >= 2 ? s.replace(str(p[0]), str(p[1])) : NOT_FOUND;
      case "find" -> p.length == 1 ? s.indexOf(str(p[0])) : NOT_FOUND;
      case "count" -> p.length == 1 ? count(s, str(p[0])) : NOT_FOUND;
      case "join" -> p.length == 1 && p[0] instanceof Collection<?> c ? join(s, c) : NOT_FOUND;
      case "isspace" -> !s.isEmpty() && s.chars().allMatch(Character::isWhitespace);
      case "isdigit" -> !s.isEmpty() && s.chars().allMatch(Character::isDigit);
      case "isalpha" -> !s.isEmpty() && s.chars().allMatch(Character::isLetter);
      default -> NOT_FOUND;
    };
  }

  private static String str(Object o) {
    return String.valueOf(o);
  }

  /** The characters to strip: null for whitespace. */
  private static String chars(Object[] p) {
    return p.length == 0 || p[0] == null ? null : str(p[0]);
  }

  private static boolean strips(String chars, char c) {
    return chars == null ? Character.isWhitespace(c) || Character.isSpaceChar(c)
        : chars.indexOf(c) >= 0;
  }

  static String lstrip(String s, String chars) {
    int i = 0;
    while (i < s.length() && strips(chars, s.charAt(i))) {
      i++;
    }
    return s.substring(i);
  }

  static String rstrip(String s, String chars) {
    int i = s.length();
    while (i > 0 && strips(chars, s.charAt(i - 1))) {
      i--;
    }
    return s.substring(0, i);
  }

  private static boolean anyMatch(Object prefixes, java.util.function.Predicate<String> test) {
    if (prefixes instanceof Collection<?> c) { // a tuple of prefixes
      return c.stream().anyMatch(x -> test.test(str(x)));
    }
    return test.test(str(prefixes));
  }

  /** Python's {@code str.split(sep)}: every part, trailing empty ones included. */
  static List<String> split(String s, String sep) {
    if (sep.isEmpty()) {
      throw new JinjaEngine.Failure("split(): empty separator");
    }
    List<String> parts = new ArrayList<>();
    int from = 0;
    for (int at = s.indexOf(sep); at >= 0; at = s.indexOf(sep, from)) {
      parts.add(s.substring(from, at));
      from = at + sep.length();
    }
    parts.add(s.substring(from));
    return parts;
  }

  private static List<String> splitWhitespace(String s) {
    List<String> parts = new ArrayList<>();
    for (String part : s.trim().split("\\s+")) {
      if (!part.isEmpty()) {
        parts.add(part);
      }
    }
    return parts;
  }

  private static String title(String s) {
    StringBuilder out = new StringBuilder(s.length());
    boolean previousIsLetter = false;
    for (char c : s.toCharArray()) {
      out.append(previousIsLetter ? Character.toLowerCase(c) : Character.toUpperCase(c));
      previousIsLetter = Character.isLetter(c);
    }
    return out.toString();
  }

  private static int count(String s, String sub) {
    if (sub.isEmpty()) {
      return s.length() + 1;
    }
    int n = 0;
    for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) {
      n++;
    }
    return n;
  }

  private static String join(String sep, Collection<?> items) {
    List<String> parts = new ArrayList<>();
    items.forEach(x -> parts.add(str(x)));
    return String.join(sep, parts);
  }

  // ---------------------------------------------------------------- not a property resolver

  @Override
  public Object getValue(ELContext context, Object base, Object property) {
    return null;
  }

  @Override
  public Class<?> getType(ELContext context, Object base, Object property) {
    return null;
  }

  @Override
  public void setValue(ELContext context, Object base, Object property, Object value) {}

  @Override
  public boolean isReadOnly(ELContext context, Object base, Object property) {
    return true;
  }

  @Override
  public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
    return null;
  }

  @Override
  public Class<?> getCommonPropertyType(ELContext context, Object base) {
    return null;
  }
}
