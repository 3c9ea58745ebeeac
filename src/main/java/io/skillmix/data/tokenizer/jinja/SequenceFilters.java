package io.skillmix.data.tokenizer.jinja;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Jinja2's filters over sequences: select/reject(attr), map, sort, unique, join, first/last,
 * min/max, sum, groupby, batch, slice, dictsort, items, list, reverse. Where Jinja2 returns a
 * generator, so does this ({@link PyList.Kind#GENERATOR}: no length, always true), so a template
 * that takes {@code |length} of one fails here as it fails there. Each item visited is a step.
 */
final class SequenceFilters {

  static final Set<String> NAMES = Set.of("batch", "dictsort", "first", "groupby", "items",
      "join", "last", "list", "map", "max", "min", "reject", "rejectattr", "reverse", "select",
      "selectattr", "slice", "sort", "sum", "unique");

  private SequenceFilters() {}

  static Object apply(String name, Object v, Args a, Renderer r) {
    if (v instanceof PyList l) {
      r.budget.steps(l.size());
    }
    return switch (name) {
      case "list" -> list(Py.iterate(v), r);
      case "first" -> {
        List<Object> items = Py.iterate(v);
        yield items.isEmpty() ? Undefined.hint("No first item, sequence was empty.") : items.get(0);
      }
      case "last" -> {
        if (v instanceof PyList l && !l.kind.subscriptable && l.kind != PyList.Kind.DICT_KEYS) {
          throw TemplateError.runtime("'" + l.kind.typeName + "' object is not reversible");
        }
        List<Object> items = Py.iterate(v);
        yield items.isEmpty() ? Undefined.hint("No last item, sequence was empty.")
            : items.get(items.size() - 1);
      }
      case "reverse" -> reverse(v, r);
      case "join" -> {
        List<Object> items = Py.iterate(v);
        Object attribute = a.get(1, "attribute", null);
        List<Object> texts = new ArrayList<>(items.size());
        for (Object x : items) {
          texts.add(r.str(attribute == null ? x : attrGetter(attribute, r, false).apply(x)));
        }
        yield PyStrings.join(r.str(a.get(0, "d", "")), PyList.of(texts), r.budget);
      }
      case "items" -> {
        if (v instanceof Undefined) {
          yield PyList.of(new ArrayList<>(), PyList.Kind.GENERATOR);
        }
        if (!(v instanceof PyDict d)) {
          throw TemplateError.runtime("Can only get item pairs from a mapping.");
        }
        yield PyList.of(d.items(), PyList.Kind.GENERATOR);
      }
      case "map" -> map(v, a, r);
      case "select", "reject", "selectattr", "rejectattr" -> select(name, v, a, r);
      case "sort" -> sort(v, a, r);
      case "unique" -> unique(v, a, r);
      case "min", "max" -> minMax(name.equals("max"), v, a, r);
      case "sum" -> sum(v, a, r);
      case "dictsort" -> dictsort(v, a, r);
      case "groupby" -> groupby(v, a, r);
      case "batch", "slice" -> chunks(name.equals("batch"), v, a, r);
      default -> throw new IllegalStateException(name);
    };
  }

  private static PyList list(List<Object> items, Renderer r) {
    r.budget.items(items.size());
    return PyList.of(new ArrayList<>(items));
  }

  private static Object reverse(Object v, Renderer r) {
    if (v instanceof String s) {
      return r.budget.string(new StringBuilder(s).reverse().toString());
    }
    List<Object> items = new ArrayList<>(Py.iterate(v));
    java.util.Collections.reverse(items);
    r.budget.items(items.size());
    return v instanceof PyList l && l.kind.subscriptable ? PyList.of(items, PyList.Kind.REVERSED)
        : PyList.of(items);
  }

  /** Jinja2's {@code make_attrgetter}: {@code "a.b.0"} looks up each part as an item. */
  static Function<Object, Object> attrGetter(Object attribute, Renderer r, boolean ignoreCase) {
    List<Object> parts = new ArrayList<>();
    if (attribute instanceof String s) {
      for (String part : s.split("\\.", -1)) {
        parts.add(!part.isEmpty() && part.chars().allMatch(Character::isDigit)
            ? (Object) Long.parseLong(part) : part);
      }
    } else if (attribute != null) {
      parts.add(attribute);
    }
    return item -> {
      Object x = item;
      for (Object part : parts) {
        x = r.attributes().getitem(x, part);
      }
      return ignoreCase && x instanceof String s ? s.toLowerCase(Locale.ROOT) : x;
    };
  }

  private static PyList map(Object v, Args a, Renderer r) {
    List<Object> out = new ArrayList<>();
    List<Object> items = Py.truthy(v) ? Py.iterate(v) : List.of();
    if (a.size() == 0 && a.keywords().containsKey("attribute")) {
      Object fallback = a.keywords().get("default");
      Function<Object, Object> get = attrGetter(a.keywords().get("attribute"), r, false);
      for (Object x : items) {
        Object y = get.apply(x);
        out.add(fallback != null && y instanceof Undefined ? fallback : y);
      }
    } else {
      if (a.size() == 0) {
        throw TemplateError.runtime("map requires a filter argument");
      }
      String filter = r.str(a.positional().get(0));
      Args rest = new Args(a.positional().subList(1, a.size()), a.keywords());
      for (Object x : items) {
        out.add(Filters.apply(filter, x, rest, r));
      }
    }
    return PyList.of(out, PyList.Kind.GENERATOR);
  }

  private static PyList select(String name, Object v, Args a, Renderer r) {
    boolean attr = name.endsWith("attr");
    boolean keep = name.startsWith("select");
    int off = attr ? 1 : 0;
    if (attr && a.size() == 0) {
      throw TemplateError.runtime("Missing parameter for attribute name");
    }
    Function<Object, Object> get = attr ? attrGetter(a.positional().get(0), r, false) : x -> x;
    String test = a.size() > off ? r.str(a.positional().get(off)) : null;
    Args rest = new Args(a.positional().subList(Math.min(a.size(), off + 1), a.size()),
        a.keywords());
    List<Object> out = new ArrayList<>();
    for (Object x : Py.truthy(v) ? Py.iterate(v) : List.<Object>of()) {
      Object y = get.apply(x);
      boolean passes = test == null ? Py.truthy(y) : Tests.apply(test, y, rest, r);
      if (passes == keep) {
        out.add(x);
      }
    }
    return PyList.of(out, PyList.Kind.GENERATOR);
  }

  private static PyList sort(Object v, Args a, Renderer r) {
    boolean reverse = Py.truthy(a.get(0, "reverse", false));
    boolean caseSensitive = Py.truthy(a.get(1, "case_sensitive", false));
    Object attribute = a.get(2, "attribute", null);
    List<Function<Object, Object>> keys = new ArrayList<>();
    if (attribute instanceof String s) {
      for (String part : s.split(",")) {
        keys.add(attrGetter(part, r, !caseSensitive));
      }
    } else {
      keys.add(attrGetter(attribute, r, !caseSensitive));
    }
    List<Object> items = new ArrayList<>(Py.iterate(v));
    List<Object[]> keyed = new ArrayList<>(items.size());
    for (Object x : items) {
      List<Object> k = new ArrayList<>(keys.size());
      keys.forEach(f -> k.add(f.apply(x)));
      keyed.add(new Object[] {PyList.of(k), x});
    }
    Comparator<Object[]> byKey = (p, q) -> Py.compare(p[0], q[0], "<");
    keyed.sort(reverse ? byKey.reversed() : byKey);
    List<Object> out = new ArrayList<>(items.size());
    keyed.forEach(p -> out.add(p[1]));
    r.budget.items(out.size());
    return PyList.of(out);
  }

  private static PyList unique(Object v, Args a, Renderer r) {
    boolean caseSensitive = Py.truthy(a.get(0, "case_sensitive", false));
    Function<Object, Object> get = attrGetter(a.get(1, "attribute", null), r, !caseSensitive);
    Set<Object> seen = new HashSet<>();
    List<Object> out = new ArrayList<>();
    for (Object x : Py.iterate(v)) {
      if (seen.add(Py.key(get.apply(x)))) {
        out.add(x);
      }
    }
    return PyList.of(out, PyList.Kind.GENERATOR);
  }

  private static Object minMax(boolean max, Object v, Args a, Renderer r) {
    boolean caseSensitive = Py.truthy(a.get(0, "case_sensitive", false));
    Function<Object, Object> get = attrGetter(a.get(1, "attribute", null), r, !caseSensitive);
    List<Object> items = Py.iterate(v);
    if (items.isEmpty()) {
      return Undefined.hint("No aggregated item, sequence was empty.");
    }
    Object best = items.get(0);
    for (Object x : items.subList(1, items.size())) {
      int c = Py.compare(get.apply(x), get.apply(best), max ? ">" : "<");
      if (max ? c > 0 : c < 0) {
        best = x;
      }
    }
    return best;
  }

  private static Object sum(Object v, Args a, Renderer r) {
    Object attribute = a.get(0, "attribute", null);
    Function<Object, Object> get = attribute == null ? x -> x : attrGetter(attribute, r, false);
    Object total = a.get(1, "start", 0L);
    PyOps ops = new PyOps(r.budget);
    for (Object x : Py.iterate(v)) {
      total = ops.apply("+", total, get.apply(x));
    }
    return total;
  }

  private static PyList dictsort(Object v, Args a, Renderer r) {
    if (!(v instanceof PyDict d)) {
      throw TemplateError.runtime("'" + Py.typeName(v) + "' object has no attribute 'items'");
    }
    boolean caseSensitive = Py.truthy(a.get(0, "case_sensitive", false));
    String by = r.str(a.get(1, "by", "key"));
    boolean reverse = Py.truthy(a.get(2, "reverse", false));
    if (!by.equals("key") && !by.equals("value")) {
      throw TemplateError.runtime("You can only sort by either \"key\" or \"value\"");
    }
    int pos = by.equals("key") ? 0 : 1;
    List<Object> items = new ArrayList<>(d.items());
    Comparator<Object> c = (x, y) -> Py.compare(fold(((PyList) x).get(pos), caseSensitive),
        fold(((PyList) y).get(pos), caseSensitive), "<");
    items.sort(reverse ? c.reversed() : c);
    return PyList.of(items);
  }

  private static Object fold(Object x, boolean caseSensitive) {
    return !caseSensitive && x instanceof String s ? s.toLowerCase(Locale.ROOT) : x;
  }

  private static PyList groupby(Object v, Args a, Renderer r) {
    Object attribute = a.get(0, "attribute", null);
    Object fallback = a.get(1, "default", null);
    boolean caseSensitive = Py.truthy(a.get(2, "case_sensitive", false));
    Function<Object, Object> folded = attrGetter(attribute, r, !caseSensitive);
    Function<Object, Object> plain = attrGetter(attribute, r, false);
    Function<Object, Object> key = x -> {
      Object k = folded.apply(x);
      return fallback != null && k instanceof Undefined ? fallback : k;
    };
    List<Object> items = new ArrayList<>(Py.iterate(v));
    items.sort((x, y) -> Py.compare(key.apply(x), key.apply(y), "<"));
    List<Object> groups = new ArrayList<>();
    List<Object> current = null;
    Object currentKey = null;
    for (Object x : items) {
      Object k = key.apply(x);
      if (current == null || !Py.eq(k, currentKey)) {
        current = new ArrayList<>();
        currentKey = k;
        groups.add(current);
      }
      current.add(x);
    }
    List<Object> out = new ArrayList<>();
    for (Object g : groups) {
      @SuppressWarnings("unchecked")
      List<Object> members = (List<Object>) g;
      Object grouper = caseSensitive ? key.apply(members.get(0)) : plain.apply(members.get(0));
      if (fallback != null && grouper instanceof Undefined) {
        grouper = fallback;
      }
      out.add(PyList.tuple(grouper, PyList.of(members)));
    }
    return PyList.of(out);
  }

  private static PyList chunks(boolean batch, Object v, Args a, Renderer r) {
    Long n = Py.integer(a.get(0, batch ? "linecount" : "slices", null));
    if (n == null || n <= 0) {
      throw TemplateError.runtime((batch ? "batch" : "slice") + "() needs a positive count");
    }
    Object fill = a.get(1, "fill_with", null);
    r.budget.steps(batch ? 1 : n); // slice makes n lists; refuse a huge n before the loop
    if (batch && fill != null) {
      r.budget.items(n);
    }
    List<Object> items = Py.iterate(v);
    List<Object> out = new ArrayList<>();
    if (batch) {
      for (int i = 0; i < items.size(); i += n) {
        List<Object> row = new ArrayList<>(items.subList(i, (int) Math.min(items.size(), i + n)));
        while (fill != null && row.size() < n) {
          row.add(fill);
        }
        out.add(PyList.of(row));
      }
    } else {
      int per = (int) (items.size() / n);
      int extra = (int) (items.size() % n);
      int offset = 0;
      for (int k = 0; k < n; k++) {
        int start = offset + k * per;
        if (k < extra) {
          offset++;
        }
        int end = offset + (k + 1) * per;
        List<Object> row = new ArrayList<>(items.subList(start, end));
        if (fill != null && k >= extra) {
          row.add(fill);
        }
        out.add(PyList.of(row));
      }
    }
    r.budget.items(out.size() + items.size());
    return PyList.of(out, PyList.Kind.GENERATOR);
  }
}
