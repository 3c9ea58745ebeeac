package io.skillmix.data.tokenizer.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Attribute and item access as Jinja2's {@code ImmutableSandboxedEnvironment} does it: {@code
 * x.name} prefers an attribute and falls back to the item, {@code x['name']} the other way round;
 * what is missing is {@link Undefined}. The only attributes are Python's: string methods, {@code
 * items/keys/values/get} of a dict, {@code count/index} of a list, a namespace's and a loop's.
 * Methods that would change a list or dict are refused, as the immutable sandbox refuses them;
 * nothing reaches a Java method.
 */
final class Attributes {

  private static final Set<String> MUTATING = Set.of("append", "clear", "pop", "reverse",
      "insert", "sort", "extend", "remove", "popitem", "setdefault", "update", "add", "discard");

  private final Renderer renderer;

  Attributes(Renderer renderer) {
    this.renderer = renderer;
  }

  Object getattr(Object obj, String name) {
    if (obj instanceof Undefined u) {
      throw u.fail();
    }
    if (name.startsWith("__")) {
      return Undefined.unsafe(obj, name); // Python's special attributes, refused by the sandbox
    }
    if (obj instanceof String s) {
      PyFunction method = PyStrings.method(s, name, renderer.budget);
      return method != null ? method : Undefined.member(obj, name);
    }
    if (obj instanceof PyDict d) {
      return dictAttribute(d, name);
    }
    if (obj instanceof PyList l) {
      if (MUTATING.contains(name)) {
        return Undefined.unsafe(obj, name);
      }
      PyFunction method = l.kind.subscriptable ? listMethod(l, name) : null;
      return method != null ? method : Undefined.member(obj, name);
    }
    if (obj instanceof Namespace ns) {
      Object v = ns.attributes.get(name);
      return v != null || ns.attributes.containsKey(name) ? v : Undefined.member(obj, name);
    }
    if (obj instanceof LoopState loop) {
      Object v = loop.attribute(name);
      return v != null || name.equals("previtem") || name.equals("nextitem") ? v
          : Undefined.member(obj, name);
    }
    if (obj instanceof Macro m && name.equals("name")) {
      return m.name();
    }
    return Undefined.member(obj, name);
  }

  private Object dictAttribute(PyDict d, String name) {
    if (MUTATING.contains(name)) {
      return Undefined.unsafe(d, name);
    }
    switch (name) {
      case "items":
        return method("items", (r, a) -> PyList.of(d.items(), PyList.Kind.DICT_ITEMS), 0);
      case "keys":
        return method("keys", (r, a) -> PyList.of(d.keys(), PyList.Kind.DICT_KEYS), 0);
      case "values":
        return method("values", (r, a) -> PyList.of(d.values(), PyList.Kind.DICT_VALUES), 0);
      case "copy":
        return method("copy", (r, a) -> d, 0);
      case "get":
        return method("get", (r, a) -> {
          Object key = a.get(0, "key", null);
          return d.has(key) ? d.get(key) : a.get(1, "default", null);
        }, 2);
      default:
        return d.has(name) ? d.get(name) : Undefined.member(d, name);
    }
  }

  private static PyFunction listMethod(PyList l, String name) {
    return switch (name) {
      case "count" -> method("count", (r, a) -> {
        long n = 0;
        for (Object x : l) {
          n += Py.eq(x, a.get(0, "value", null)) ? 1 : 0;
        }
        return n;
      }, 1);
      case "index" -> method("index", (r, a) -> {
        for (int i = 0; i < l.size(); i++) {
          if (Py.eq(l.get(i), a.get(0, "value", null))) {
            return (long) i;
          }
        }
        throw TemplateError.runtime(PyText.repr(a.get(0, "value", null)) + " is not in list");
      }, 1);
      case "copy" -> method("copy", (r, a) -> l, 0);
      default -> null;
    };
  }

  /** A bound method of at most {@code maxArgs} arguments. */
  static PyFunction method(String name, BiFunction<Renderer, Args, Object> body, int maxArgs) {
    return new PyFunction() {
      public String name() {
        return name;
      }

      public Object call(Renderer r, Args args) {
        if (args.size() + args.keywords().size() > maxArgs) {
          throw TemplateError.runtime(name + "() takes at most " + maxArgs + " argument"
              + (maxArgs == 1 ? "" : "s") + " (" + (args.size() + args.keywords().size())
              + " given)");
        }
        return body.apply(r, args);
      }
    };
  }

  /** {@code obj[key]}: the item, else (a string key) the attribute, else undefined. */
  Object getitem(Object obj, Object key) {
    if (obj instanceof Undefined u) {
      throw u.fail();
    }
    Long index = Py.integer(key);
    if (obj instanceof PyList l && l.kind.subscriptable && index != null) {
      long i = index < 0 ? index + l.size() : index;
      return i >= 0 && i < l.size() ? l.get((int) i) : Undefined.member(obj, key);
    }
    if (obj instanceof String s && index != null) {
      int n = s.codePointCount(0, s.length());
      long i = index < 0 ? index + n : index;
      if (i < 0 || i >= n) {
        return Undefined.member(obj, key);
      }
      int at = s.offsetByCodePoints(0, (int) i);
      return new String(Character.toChars(s.codePointAt(at)));
    }
    if (obj instanceof PyDict d) {
      try {
        if (d.has(key)) {
          return d.get(key);
        }
      } catch (TemplateError unhashable) {
        return Undefined.member(obj, key);
      }
    }
    return key instanceof String name ? getattr(obj, name) : Undefined.member(obj, key);
  }

  /** {@code obj[start:stop:step]} of a list, tuple or string, with Python's rules. */
  Object slice(Object obj, Object start, Object stop, Object step) {
    if (obj instanceof Undefined u) {
      throw u.fail();
    }
    long by = step == null ? 1 : index(step);
    if (by == 0) {
      throw TemplateError.runtime("slice step cannot be zero");
    }
    List<Object> items;
    boolean string = obj instanceof String;
    if (string) {
      items = Py.iterate(obj);
    } else if (obj instanceof PyList l && l.kind.subscriptable) {
      items = l.items;
    } else {
      return Undefined.member(obj, "slice"); // Jinja2: not subscriptable, so undefined
    }
    int n = items.size();
    long lower = by > 0 ? 0 : -1;
    long upper = by > 0 ? n : n - 1;
    long from = start == null ? (by > 0 ? lower : upper) : clamp(index(start), n, lower, upper);
    long to = stop == null ? (by > 0 ? upper : lower) : clamp(index(stop), n, lower, upper);
    List<Object> out = new ArrayList<>();
    for (long i = from; by > 0 ? i < to : i > to; i += by) {
      out.add(items.get((int) i));
    }
    renderer.budget.steps(out.size());
    if (string) {
      StringBuilder s = new StringBuilder();
      out.forEach(c -> s.append((String) c));
      return s.toString();
    }
    renderer.budget.items(out.size());
    return ((PyList) obj).isTuple() ? PyList.tuple(out) : PyList.of(out);
  }

  private static long clamp(long i, int n, long lower, long upper) {
    if (i < 0) {
      i += n;
      return Math.max(i, lower);
    }
    return Math.min(i, upper);
  }

  private static long index(Object v) {
    Long i = Py.integer(v);
    if (i == null) {
      throw TemplateError.runtime("slice indices must be integers or None or have an __index__"
          + " method");
    }
    return i;
  }
}
