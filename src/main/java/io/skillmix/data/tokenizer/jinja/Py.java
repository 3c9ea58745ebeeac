package io.skillmix.data.tokenizer.jinja;

import java.util.ArrayList;
import java.util.List;

/**
 * Python's semantics for the values of a template: truth, equality, ordering, membership,
 * iteration and length, with Python's error messages. Values are {@code null} (None), Boolean,
 * Long (int), Double (float), String, {@link PyList}, {@link PyDict}, {@link Undefined}, {@link
 * Namespace}, {@link LoopState}, {@link Macro} and {@link PyFunction}; never anything else.
 */
final class Py {

  private static final Object NONE_KEY = new Object();
  private static final Object UNDEFINED_KEY = new Object();

  private Py() {}

  /** Python's {@code str.isspace()} for one code point (also what {@code \s} matches in Jinja2). */
  static boolean isSpace(int c) {
    return (c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x20) || c == 0x85 || c == 0xa0
        || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029
        || c == 0x202f || c == 0x205f || c == 0x3000;
  }

  static String typeName(Object v) {
    if (v == null) {
      return "NoneType";
    } else if (v instanceof Boolean) {
      return "bool";
    } else if (v instanceof Long) {
      return "int";
    } else if (v instanceof Double) {
      return "float";
    } else if (v instanceof String) {
      return "str";
    } else if (v instanceof PyList l) {
      return l.kind.typeName;
    } else if (v instanceof PyDict) {
      return "dict";
    } else if (v instanceof Undefined) {
      return "Undefined";
    } else if (v instanceof Namespace) {
      return "Namespace";
    } else if (v instanceof LoopState) {
      return "LoopContext";
    } else if (v instanceof Macro) {
      return "Macro";
    }
    return "builtin_function_or_method";
  }

  static boolean truthy(Object v) {
    if (v == null || v instanceof Undefined) {
      return false;
    } else if (v instanceof Boolean b) {
      return b;
    } else if (v instanceof Long n) {
      return n != 0;
    } else if (v instanceof Double d) {
      return d != 0.0;
    } else if (v instanceof String s) {
      return !s.isEmpty();
    } else if (v instanceof PyList l) {
      return !l.kind.sized || l.size() > 0; // a generator is an object: always true
    } else if (v instanceof PyDict d) {
      return d.size() > 0;
    }
    return true;
  }

  static boolean isNumber(Object v) {
    return v instanceof Long || v instanceof Double || v instanceof Boolean;
  }

  /** An int (bool counts, as in Python) as a long; null when {@code v} is not one. */
  static Long integer(Object v) {
    if (v instanceof Long n) {
      return n;
    }
    return v instanceof Boolean b ? (b ? 1L : 0L) : null;
  }

  static double toDouble(Object v) {
    return v instanceof Double d ? d : integer(v);
  }

  /** The key Python's hashing makes of {@code v}: equal values give equal keys. */
  static Object key(Object v) {
    if (v == null) {
      return NONE_KEY;
    } else if (v instanceof String || v instanceof Long) {
      return v;
    } else if (v instanceof Boolean b) {
      return b ? 1L : 0L;
    } else if (v instanceof Double d) {
      return d == Math.rint(d) && Math.abs(d) < 9.2e18 ? (Object) (long) (double) d : d;
    } else if (v instanceof Undefined) {
      return UNDEFINED_KEY;
    } else if (v instanceof PyList l && l.isTuple()) {
      List<Object> keys = new ArrayList<>(l.size());
      l.forEach(x -> keys.add(key(x)));
      return keys;
    } else if (v instanceof PyList || v instanceof PyDict) {
      throw TemplateError.runtime("unhashable type: '" + typeName(v) + "'");
    }
    return v;
  }

  static boolean eq(Object a, Object b) {
    return eq(a, b, 0);
  }

  private static boolean eq(Object a, Object b, int level) {
    if (level > Limits.DEPTH) {
      throw TemplateError.bound("a value nests deeper than " + Limits.DEPTH + " levels");
    }
    if (a == b) {
      return !(a instanceof Double d) || !d.isNaN();
    }
    if (a instanceof Undefined || b instanceof Undefined) {
      return a instanceof Undefined && b instanceof Undefined; // Jinja2: equal by type
    }
    if (a == null || b == null) {
      return false;
    }
    if (isNumber(a) && isNumber(b)) {
      Long x = integer(a);
      Long y = integer(b);
      return x != null && y != null ? x.longValue() == y.longValue() : toDouble(a) == toDouble(b);
    }
    if (a instanceof String s) {
      return s.equals(b);
    }
    if (a instanceof PyList x && b instanceof PyList y) {
      if (x.kind != y.kind || !x.kind.subscriptable || x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!eq(x.get(i), y.get(i), level + 1)) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof PyDict x && b instanceof PyDict y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (Object[] e : x.entries()) {
        if (!y.has(e[0]) || !eq(e[1], y.get(e[0]), level + 1)) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  /** Python's ordering for {@code <}, {@code <=}, {@code >}, {@code >=}; {@code op} names it in errors. */
  static int compare(Object a, Object b, String op) {
    if (a instanceof Undefined u) {
      throw u.fail();
    }
    if (b instanceof Undefined u) {
      throw u.fail();
    }
    if (isNumber(a) && isNumber(b)) {
      Long x = integer(a);
      Long y = integer(b);
      return x != null && y != null ? Long.compare(x, y) : Double.compare(toDouble(a), toDouble(b));
    }
    if (a instanceof String x && b instanceof String y) {
      return compareCodePoints(x, y);
    }
    if (a instanceof PyList x && b instanceof PyList y && x.kind == y.kind
        && x.kind.subscriptable) {
      for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
        if (!eq(x.get(i), y.get(i))) {
          return compare(x.get(i), y.get(i), op);
        }
      }
      return Integer.compare(x.size(), y.size());
    }
    throw TemplateError.runtime("'" + op + "' not supported between instances of '"
        + typeName(a) + "' and '" + typeName(b) + "'");
  }

  static int compareCodePoints(String x, String y) {
    int i = 0;
    int j = 0;
    while (i < x.length() && j < y.length()) {
      int a = x.codePointAt(i);
      int b = y.codePointAt(j);
      if (a != b) {
        return Integer.compare(a, b);
      }
      i += Character.charCount(a);
      j += Character.charCount(b);
    }
    return Integer.compare(x.length() - i, y.length() - j);
  }

  /** Python's {@code item in container}. */
  static boolean contains(Object container, Object item) {
    if (container instanceof String s) {
      if (!(item instanceof String sub)) {
        throw TemplateError.runtime("'in <string>' requires string as left operand, not "
            + typeName(item));
      }
      return s.contains(sub);
    } else if (container instanceof PyList l) {
      for (Object x : l) {
        if (eq(x, item)) {
          return true;
        }
      }
      return false;
    } else if (container instanceof PyDict d) {
      return d.has(item);
    } else if (container instanceof Undefined) {
      return false; // it iterates as empty
    }
    throw TemplateError.runtime("argument of type '" + typeName(container)
        + "' is not iterable");
  }

  /** The items {@code for x in v} visits: characters of a string, keys of a dict. */
  static List<Object> iterate(Object v) {
    if (v instanceof PyList l) {
      return l.items;
    } else if (v instanceof PyDict d) {
      return d.keys();
    } else if (v instanceof String s) {
      List<Object> chars = new ArrayList<>(s.length());
      s.codePoints().forEach(c -> chars.add(new String(Character.toChars(c))));
      return chars;
    } else if (v instanceof Undefined) {
      return List.of();
    }
    throw TemplateError.runtime("'" + typeName(v) + "' object is not iterable");
  }

  /** Python's {@code len(v)}; a string counts code points, as Python does. */
  static long len(Object v) {
    if (v instanceof String s) {
      return s.codePointCount(0, s.length());
    } else if (v instanceof PyList l && l.kind.sized) {
      return l.size();
    } else if (v instanceof PyDict d) {
      return d.size();
    } else if (v instanceof Undefined) {
      return 0;
    } else if (v instanceof LoopState loop) {
      return loop.length();
    }
    throw TemplateError.runtime("object of type '" + typeName(v) + "' has no len()");
  }
}
