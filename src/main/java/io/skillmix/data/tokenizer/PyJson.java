package io.skillmix.data.tokenizer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps(x, ensure_ascii=False, indent=..., sort_keys=...)}, the {@code tojson}
 * of Hugging Face chat templates: {@code ", "} and {@code ": "} between items (Jackson, Jinjava's
 * own, writes them without spaces), non-ASCII text as is.
 */
final class PyJson {

  private PyJson() {}

  static String dumps(Object value, Integer indent, boolean sortKeys) {
    StringBuilder out = new StringBuilder();
    write(value, indent, sortKeys, 0, out);
    return out.toString();
  }

  private static void write(Object v, Integer indent, boolean sortKeys, int depth,
      StringBuilder out) {
    if (v == null) {
      out.append("null");
    } else if (v instanceof Boolean b) {
      out.append(b ? "true" : "false");
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      out.append(d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e16
          ? String.valueOf((long) d) + ".0" : String.valueOf(d));
    } else if (v instanceof Number n) {
      out.append(n);
    } else if (v instanceof Map<?, ?> m) {
      List<Map.Entry<?, ?>> entries = new ArrayList<>(m.entrySet());
      if (sortKeys) {
        entries.sort((a, b) -> String.valueOf(a.getKey()).compareTo(String.valueOf(b.getKey())));
      }
      out.append('{');
      int i = 0;
      for (Map.Entry<?, ?> e : entries) {
        separator(i++ > 0, indent, depth + 1, out);
        string(String.valueOf(e.getKey()), out);
        out.append(": ");
        write(e.getValue(), indent, sortKeys, depth + 1, out);
      }
      close(!entries.isEmpty(), indent, depth, out);
      out.append('}');
    } else if (v instanceof Collection<?> || v instanceof Object[]) {
      Collection<?> items = v instanceof Object[] a ? List.of(a) : (Collection<?>) v;
      out.append('[');
      int i = 0;
      for (Object item : items) {
        separator(i++ > 0, indent, depth + 1, out);
        write(item, indent, sortKeys, depth + 1, out);
      }
      close(!items.isEmpty(), indent, depth, out);
      out.append(']');
    } else {
      string(String.valueOf(v), out);
    }
  }

  private static void separator(boolean notFirst, Integer indent, int depth, StringBuilder out) {
    if (indent == null) {
      if (notFirst) {
        out.append(", ");
      }
      return;
    }
    if (notFirst) {
      out.append(',');
    }
    out.append('\n').append(" ".repeat(indent * depth));
  }

  private static void close(boolean nonEmpty, Integer indent, int depth, StringBuilder out) {
    if (indent != null && nonEmpty) {
      out.append('\n').append(" ".repeat(indent * depth));
    }
  }

  private static void string(String s, StringBuilder out) {
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
          if (c < 0x20) {
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
