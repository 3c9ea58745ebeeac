package io.skillmix.data.tokenizer.jinja;

import java.util.ArrayList;
import java.util.List;

/**
 * Python's arithmetic on template values, with its results ({@code 7 / 2} is {@code 3.5}, {@code
 * -7 // 2} is {@code -4}, {@code 'ab' * 2}) and messages. Integers are 64-bit here: a result past
 * that range is refused rather than silently wrong. Every string or list made is counted against
 * the rendering's {@link Budget} before it is made.
 */
final class PyOps {

  private final Budget budget;

  PyOps(Budget budget) {
    this.budget = budget;
  }

  Object apply(String op, Object a, Object b) {
    if (a instanceof Undefined u) {
      throw u.fail();
    }
    if (b instanceof Undefined u) {
      throw u.fail();
    }
    return switch (op) {
      case "+" -> add(a, b);
      case "-" -> numeric(op, a, b);
      case "*" -> multiply(a, b);
      case "/" -> divide(a, b);
      case "//", "%" -> a instanceof String s && op.equals("%") ? Format.percent(s, b, budget)
          : numeric(op, a, b);
      case "**" -> power(a, b);
      default -> throw new IllegalArgumentException(op);
    };
  }

  private Object add(Object a, Object b) {
    if (a instanceof String x && b instanceof String y) {
      budget.chars((long) x.length() + y.length());
      return x + y;
    }
    if (a instanceof PyList x && b instanceof PyList y && x.kind == y.kind
        && x.kind.subscriptable) {
      budget.items((long) x.size() + y.size());
      List<Object> items = new ArrayList<>(x.items);
      items.addAll(y.items);
      return x.isTuple() ? PyList.tuple(items) : PyList.of(items);
    }
    if (a instanceof String || a instanceof PyList l && l.kind.subscriptable) {
      throw TemplateError.runtime("can only concatenate " + Py.typeName(a) + " (not \""
          + Py.typeName(b) + "\") to " + Py.typeName(a));
    }
    return numeric("+", a, b);
  }

  private Object multiply(Object a, Object b) {
    if (Py.integer(a) != null && !(b instanceof Long || b instanceof Double
        || b instanceof Boolean)) {
      return multiply(b, a);
    }
    Long n = Py.integer(b);
    if (a instanceof String s && n != null) {
      long count = Math.max(0, n);
      budget.chars(s.length() * Math.min(count, Integer.MAX_VALUE));
      return s.repeat((int) count);
    }
    if (a instanceof PyList l && l.kind.subscriptable && n != null) {
      long count = Math.max(0, n);
      budget.items(l.size() * Math.min(count, Integer.MAX_VALUE));
      List<Object> items = new ArrayList<>();
      for (long i = 0; i < count; i++) {
        items.addAll(l.items);
      }
      return l.isTuple() ? PyList.tuple(items) : PyList.of(items);
    }
    return numeric("*", a, b);
  }

  private Object divide(Object a, Object b) {
    checkNumbers("/", a, b);
    double y = Py.toDouble(b);
    if (y == 0) {
      throw TemplateError.runtime("division by zero");
    }
    return Py.toDouble(a) / y;
  }

  private Object power(Object a, Object b) {
    checkNumbers("**", a, b);
    Long x = Py.integer(a);
    Long y = Py.integer(b);
    if (x != null && y != null && y >= 0) {
      long result = 1;
      for (long i = 0; i < y; i++) {
        result = Math.multiplyExact(result, x);
        if (result == 0 || result == 1 && x == 1) {
          break;
        }
        budget.step();
      }
      return result;
    }
    return Math.pow(Py.toDouble(a), Py.toDouble(b));
  }

  private static void checkNumbers(String op, Object a, Object b) {
    if (!Py.isNumber(a) || !Py.isNumber(b)) {
      throw TemplateError.runtime("unsupported operand type(s) for " + op + ": '"
          + Py.typeName(a) + "' and '" + Py.typeName(b) + "'");
    }
  }

  private static Object numeric(String op, Object a, Object b) {
    checkNumbers(op, a, b);
    Long x = Py.integer(a);
    Long y = Py.integer(b);
    try {
      if (x != null && y != null) {
        return switch (op) {
          case "+" -> Math.addExact(x, y);
          case "-" -> Math.subtractExact(x, y);
          case "*" -> Math.multiplyExact(x, y);
          case "//" -> Math.floorDiv(x, nonZero(y));
          case "%" -> Math.floorMod(x, nonZero(y));
          default -> throw new IllegalArgumentException(op);
        };
      }
    } catch (ArithmeticException e) { // only overflow: division by zero is refused above
      throw TemplateError.runtime("integer result of " + op + " is beyond 64 bits");
    }
    double p = Py.toDouble(a);
    double q = Py.toDouble(b);
    return switch (op) {
      case "+" -> p + q;
      case "-" -> p - q;
      case "*" -> p * q;
      case "//" -> Math.floor(p / nonZero(q, "float floor division by zero"));
      case "%" -> {
        double r = p % nonZero(q, "float modulo");
        yield r != 0 && (r < 0) != (q < 0) ? r + q : r;
      }
      default -> throw new IllegalArgumentException(op);
    };
  }

  private static long nonZero(long y) {
    if (y == 0) {
      throw TemplateError.runtime("integer division or modulo by zero");
    }
    return y;
  }

  private static double nonZero(double y, String message) {
    if (y == 0) {
      throw TemplateError.runtime(message);
    }
    return y;
  }

  static Object negate(Object a) {
    if (a instanceof Undefined u) {
      throw u.fail();
    }
    if (a instanceof Double d) {
      return -d;
    }
    Long x = Py.integer(a);
    if (x == null) {
      throw TemplateError.runtime("bad operand type for unary -: '" + Py.typeName(a) + "'");
    }
    if (x == Long.MIN_VALUE) {
      throw TemplateError.runtime("integer result of - is beyond 64 bits");
    }
    return -x;
  }

  static Object plus(Object a) {
    if (a instanceof Undefined u) {
      throw u.fail();
    }
    if (!Py.isNumber(a)) {
      throw TemplateError.runtime("bad operand type for unary +: '" + Py.typeName(a) + "'");
    }
    return a instanceof Boolean ? Py.integer(a) : a;
  }
}
