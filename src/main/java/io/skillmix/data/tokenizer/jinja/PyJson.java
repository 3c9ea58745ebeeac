package io.skillmix.data.tokenizer.jinja;

import java.util.ArrayList;
import java.util.List;

/**
 * Hugging Face's {@code tojson}: {@code json.dumps(x, ensure_ascii=False, indent=None,
 * separators=None, sort_keys=False)} (not Jinja2's HTML-safe one), with Python's output: {@code
 * ", "} and {@code ": "} between items, floats as Python writes them, non-ASCII text as is unless
 * {@code ensure_ascii}. Undefined values and other non-JSON values are refused as Python refuses
 * them. The text is bounded like any string the template makes.
 */
final class PyJson {

  private final String indent;
  private final String itemSeparator;
  private final String keySeparator;
  private final boolean sortKeys;
  private final boolean ascii;
  private final long maxChars;
  private final StringBuilder out = new StringBuilder();

  private PyJson(String indent, String itemSeparator, String keySeparator, boolean sortKeys,
      boolean ascii, long maxChars) {
    this.indent = indent;
    this.itemSeparator = itemSeparator;
    this.keySeparator = keySeparator;
    this.sortKeys = sortKeys;
    this.ascii = ascii;
    this.maxChars = maxChars;
  }

  /** The {@code tojson} filter with its arguments: ensure_ascii, indent, separators, sort_keys. */
  static String dumps(Object value, Args args, Renderer r) {
    args.check("tojson", 4, "ensure_ascii", "indent", "separators", "sort_keys");
    boolean ascii = Py.truthy(args.get(0, "ensure_ascii", false));
    Object indentArg = args.get(1, "indent", null);
    String indent = null;
    if (indentArg instanceof String s) {
      indent = s;
    } else if (indentArg != null) {
      Long n = Py.integer(indentArg);
      if (n == null) {
        throw TemplateError.runtime("indent must be an int or a string");
      }
      r.budget.chars(Math.max(0, n));
      indent = " ".repeat((int) Math.max(0, n));
    }
    String item = indent == null ? ", " : ",";
    String key = ": ";
    Object separators = args.get(2, "separators", null);
    if (separators != null) {
      List<Object> pair = Py.iterate(separators);
      if (pair.size() != 2 || !(pair.get(0) instanceof String a)
          || !(pair.get(1) instanceof String b)) {
        throw TemplateError.runtime("separators must be a pair of strings");
      }
      item = a;
      key = b;
    }
    PyJson json = new PyJson(indent, item, key, Py.truthy(args.get(3, "sort_keys", false)),
        ascii, r.limits.chars());
    json.write(value, 0);
    return r.budget.string(json.out.toString());
  }

  private void write(Object v, int depth) {
    if (depth > Limits.DEPTH) {
      throw TemplateError.bound("a value nests deeper than " + Limits.DEPTH + " levels");
    }
    if (out.length() > maxChars) {
      throw TemplateError.bound("it made a string of more than " + Limits.count(maxChars)
          + " characters");
    }
    if (v == null) {
      out.append("null");
    } else if (v instanceof Boolean b) {
      out.append(b ? "true" : "false");
    } else if (v instanceof Long n) {
      out.append(n);
    } else if (v instanceof Double d) {
      out.append(d.isNaN() ? "NaN" : d.isInfinite() ? (d > 0 ? "Infinity" : "-Infinity")
          : PyText.floatRepr(d));
    } else if (v instanceof String s) {
      string(s);
    } else if (v instanceof PyDict d) {
      List<Object[]> entries = new ArrayList<>();
      d.entries().forEach(entries::add);
      if (sortKeys) {
        entries.sort((a, b) -> Py.compare(a[0], b[0], "<"));
      }
      out.append('{');
      for (int i = 0; i < entries.size(); i++) {
        separator(i > 0, depth + 1);
        string(key(entries.get(i)[0]));
        out.append(keySeparator);
        write(entries.get(i)[1], depth + 1);
      }
      close(!entries.isEmpty(), depth);
      out.append('}');
    } else if (v instanceof PyList l && (l.kind == PyList.Kind.LIST
        || l.kind == PyList.Kind.TUPLE)) {
      out.append('[');
      for (int i = 0; i < l.size(); i++) {
        separator(i > 0, depth + 1);
        write(l.get(i), depth + 1);
      }
      close(l.size() > 0, depth);
      out.append(']');
    } else {
      throw TemplateError.runtime("Object of type " + Py.typeName(v)
          + " is not JSON serializable");
    }
  }

  /** A dict key as json.dumps turns it into a string. */
  private static String key(Object k) {
    if (k instanceof String s) {
      return s;
    } else if (k == null) {
      return "null";
    } else if (k instanceof Boolean b) {
      return b ? "true" : "false";
    } else if (k instanceof Long || k instanceof Double) {
      return PyText.str(k, 64);
    }
    throw TemplateError.runtime("keys must be str, int, float, bool or None, not "
        + Py.typeName(k));
  }

  private void separator(boolean notFirst, int depth) {
    if (notFirst) {
      out.append(itemSeparator);
    }
    if (indent != null) {
      out.append('\n').append(indent.repeat(depth));
    }
  }

  private void close(boolean nonEmpty, int depth) {
    if (indent != null && nonEmpty) {
      out.append('\n').append(indent.repeat(depth));
    }
  }

  private void string(String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || (ascii && c > 0x7e)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
