package io.skillmix.data.tokenizer.jinja;

import java.util.Set;

/** Jinja2's default tests ({@code jinja2/tests.py}): {@code x is defined}, {@code is string}, ... */
final class Tests {

  private static final Set<String> NAMES = Set.of("odd", "even", "divisibleby", "defined",
      "undefined", "filter", "test", "none", "boolean", "false", "true", "integer", "float",
      "lower", "upper", "string", "mapping", "number", "sequence", "iterable", "callable",
      "sameas", "escaped", "in", "==", "eq", "equalto", "!=", "ne", ">", "gt", "greaterthan",
      "ge", ">=", "<", "lt", "lessthan", "<=", "le");

  private Tests() {}

  static boolean exists(String name) {
    return NAMES.contains(name);
  }

  static boolean apply(String name, Object v, Args args, Renderer r) {
    Object arg = args.size() > 0 ? args.positional().get(0) : null;
    return switch (name) {
      case "defined" -> !(v instanceof Undefined);
      case "undefined" -> v instanceof Undefined;
      case "none" -> v == null;
      case "boolean" -> v instanceof Boolean;
      case "true" -> Boolean.TRUE.equals(v);
      case "false" -> Boolean.FALSE.equals(v);
      case "integer" -> v instanceof Long;
      case "float" -> v instanceof Double;
      case "number" -> Py.isNumber(v);
      case "string" -> v instanceof String;
      case "mapping" -> v instanceof PyDict;
      case "iterable" -> v instanceof String || v instanceof PyList || v instanceof PyDict
          || v instanceof Undefined;
      case "sequence" -> v instanceof String || v instanceof PyDict || v instanceof Undefined
          || v instanceof PyList l && l.kind.sized;
      case "callable" -> v instanceof PyFunction || v instanceof Macro || v instanceof LoopState;
      case "escaped" -> false; // autoescape is off: nothing is Markup
      case "lower" -> lowerOrUpper(r.str(v), true);
      case "upper" -> lowerOrUpper(r.str(v), false);
      case "odd", "even" -> {
        Long n = integerArg(v, name);
        yield (Math.floorMod(n, 2) == 1) == name.equals("odd");
      }
      case "divisibleby" -> {
        long d = integerArg(arg, name);
        if (d == 0) {
          throw TemplateError.runtime("integer division or modulo by zero");
        }
        yield Math.floorMod(integerArg(v, name), d) == 0;
      }
      case "sameas" -> v == arg || v != null && (v instanceof Boolean || v instanceof Long)
          && v.equals(arg);
      case "in" -> Py.contains(arg, v);
      case "filter" -> v instanceof String s && Filters.exists(s);
      case "test" -> v instanceof String s && exists(s);
      case "==", "eq", "equalto" -> Py.eq(v, arg);
      case "!=", "ne" -> !Py.eq(v, arg);
      case ">", "gt", "greaterthan" -> Py.compare(v, arg, ">") > 0;
      case ">=", "ge" -> Py.compare(v, arg, ">=") >= 0;
      case "<", "lt", "lessthan" -> Py.compare(v, arg, "<") < 0;
      case "<=", "le" -> Py.compare(v, arg, "<=") <= 0;
      default -> throw TemplateError.runtime("No test named '" + name + "'.");
    };
  }

  private static long integerArg(Object v, String test) {
    if (v instanceof Undefined u) {
      throw u.fail();
    }
    Long n = Py.integer(v);
    if (n == null) {
      throw TemplateError.runtime("test '" + test + "' needs an integer, got "
          + Py.typeName(v));
    }
    return n;
  }

  private static boolean lowerOrUpper(String s, boolean lower) {
    boolean cased = false;
    for (int c : s.codePoints().toArray()) {
      if (lower ? Character.isUpperCase(c) || Character.isTitleCase(c)
          : Character.isLowerCase(c) || Character.isTitleCase(c)) {
        return false;
      }
      cased |= lower ? Character.isLowerCase(c) : Character.isUpperCase(c);
    }
    return cased;
  }
}
