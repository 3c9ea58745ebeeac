package io.skillmix.data.tokenizer.jinja;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Iterator;

/** Python's {@code str()} and {@code repr()} of template values: what {@code {{ x }}} prints. */
final class PyText {

  private PyText() {}

  /** The most characters of a {@link #repr} made for a message. */
  private static final int MESSAGE_CHARS = 200;

  /** Python's {@code str(v)}; a text longer than {@code max} characters is refused. */
  static String str(Object v, long max) {
    if (v instanceof String s) {
      return s;
    }
    StringBuilder out = new StringBuilder();
    write(v, false, 0, out, max);
    return out.toString();
  }

  /** Python's {@code repr(v)}; a text longer than {@code max} characters is refused. */
  static String repr(Object v, long max) {
    StringBuilder out = new StringBuilder();
    write(v, true, 0, out, max);
    return out.toString();
  }

  /** {@code repr(v)} for an error message: cut short when long. */
  static String repr(Object v) {
    try {
      return repr(v, MESSAGE_CHARS);
    } catch (TemplateError e) {
      return "<" + Py.typeName(v) + " object>";
    }
  }

  private static void write(Object v, boolean repr, int level, StringBuilder out, long max) {
    if (level > Limits.DEPTH) {
      throw TemplateError.bound("a value nests deeper than " + Limits.DEPTH + " levels");
    }
    if (out.length() > max) {
      throw TemplateError.bound("it made a string of more than " + Limits.count(max)
          + " characters");
    }
    if (v == null) {
      out.append("None");
    } else if (v instanceof Boolean b) {
      out.append(b ? "True" : "False");
    } else if (v instanceof Long || v instanceof Integer) {
      out.append(v);
    } else if (v instanceof Double d) {
      out.append(floatRepr(d));
    } else if (v instanceof String s) {
      if (repr) {
        quote(s, out);
      } else {
        out.append(s);
      }
    } else if (v instanceof Undefined) {
      out.append(repr ? "Undefined" : "");
    } else if (v instanceof PyList l) {
      writeList(l, level, out, max);
    } else if (v instanceof PyDict d) {
      writeDict(d, level, out, max);
    } else if (v instanceof Namespace ns) {
      out.append("<Namespace {");
      Iterator<java.util.Map.Entry<String, Object>> it = ns.attributes.entrySet().iterator();
      while (it.hasNext()) {
        java.util.Map.Entry<String, Object> e = it.next();
        quote(e.getKey(), out);
        out.append(": ");
        write(e.getValue(), true, level + 1, out, max);
        out.append(it.hasNext() ? ", " : "");
      }
      out.append("}>");
    } else if (v instanceof LoopState loop) {
      out.append("<LoopContext ").append(loop.index0() + 1).append('/').append(loop.length())
          .append('>');
    } else if (v instanceof Macro m) {
      out.append("<Macro ").append(m.name() == null ? "anonymous" : repr(m.name())).append('>');
    } else if (v instanceof PyFunction f) {
      out.append("<built-in function ").append(f.name()).append('>');
    } else {
      throw new IllegalStateException("not a template value: " + v.getClass());
    }
  }

  private static void writeList(PyList l, int level, StringBuilder out, long max) {
    String open;
    String close;
    switch (l.kind) {
      case LIST -> {
        open = "[";
        close = "]";
      }
      case TUPLE -> {
        open = "(";
        close = l.size() == 1 ? ",)" : ")";
      }
      case DICT_ITEMS, DICT_KEYS, DICT_VALUES -> {
        open = l.kind.typeName + "([";
        close = "])";
      }
      default -> {
        out.append('<').append(l.kind.typeName).append(" object>");
        return;
      }
    }
    out.append(open);
    for (int i = 0; i < l.size(); i++) {
      if (i > 0) {
        out.append(", ");
      }
      write(l.get(i), true, level + 1, out, max);
    }
    out.append(close);
  }

  private static void writeDict(PyDict d, int level, StringBuilder out, long max) {
    out.append('{');
    boolean first = true;
    for (Object[] e : d.entries()) {
      if (!first) {
        out.append(", ");
      }
      first = false;
      write(e[0], true, level + 1, out, max);
      out.append(": ");
      write(e[1], true, level + 1, out, max);
    }
    out.append('}');
  }

  /** Python's {@code repr(str)}: single quotes unless the text has one and no double quote. */
  static void quote(String s, StringBuilder out) {
    char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
    out.append(q);
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      if (c == q || c == '\\') {
        out.append('\\').appendCodePoint(c);
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\t') {
        out.append("\\t");
      } else if (printable(c)) {
        out.appendCodePoint(c);
      } else if (c < 0x100) {
        out.append(String.format("\\x%02x", c));
      } else if (c < 0x10000) {
        out.append(String.format("\\u%04x", c));
      } else {
        out.append(String.format("\\U%08x", c));
      }
    }
    out.append(q);
  }

  /** Python's {@code str.isprintable()} for one code point. */
  static boolean printable(int c) {
    if (c == ' ') {
      return true;
    }
    return switch (Character.getType(c)) {
      case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
          Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
          Character.SPACE_SEPARATOR -> false;
      default -> true;
    };
  }

  /** Python's {@code repr(float)}: the shortest digits that read back as {@code d}. */
  static String floatRepr(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    if (d == 0) {
      return (1 / d < 0) ? "-0.0" : "0.0";
    }
    BigDecimal exact = new BigDecimal(d);
    BigDecimal shortest = exact;
    for (int p = 1; p <= 17; p++) {
      BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
      if (r.doubleValue() == d) {
        shortest = r;
        break;
      }
    }
    String digits = shortest.unscaledValue().abs().toString().replaceAll("0+$", "");
    if (digits.isEmpty()) {
      digits = "0";
    }
    // the decimal point sits decpt digits after the first digit's start
    int decpt = shortest.precision() - shortest.scale();
    String sign = d < 0 ? "-" : "";
    if (decpt > -4 && decpt <= 16) {
      if (decpt <= 0) {
        return sign + "0." + "0".repeat(-decpt) + digits;
      }
      if (decpt >= digits.length()) {
        return sign + digits + "0".repeat(decpt - digits.length()) + ".0";
      }
      return sign + digits.substring(0, decpt) + "." + digits.substring(decpt);
    }
    int exp = decpt - 1;
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    return sign + mantissa + "e" + (exp < 0 ? "-" : "+")
        + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
  }
}
