package io.skillmix.data.tokenizer.jinja;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The names every template sees: Jinja2's {@code range} (capped as the sandbox caps it), {@code
 * dict}, {@code namespace} and {@code joiner}, and Hugging Face's {@code raise_exception} and
 * {@code strftime_now}. The bindings of a rendering ({@code messages}, ...) shadow them.
 */
final class Globals {

  /** Jinja2's sandbox refuses longer ranges (its {@code MAX_RANGE}). */
  static final int MAX_RANGE = 100_000;

  private Globals() {}

  static Scope scope() {
    Scope s = new Scope(null);
    s.set("range", function("range", Globals::range));
    s.set("dict", function("dict", Globals::dict));
    s.set("namespace", function("namespace", Globals::namespace));
    s.set("joiner", function("joiner", Globals::joiner));
    s.set("raise_exception", function("raise_exception", (r, a) -> {
      throw new TemplateError(TemplateError.Kind.RAISED, r.str(a.get(0, "message", "")), 0);
    }));
    s.set("strftime_now", function("strftime_now", (r, a) -> Strftime.format(
        LocalDateTime.now(), PyStrings.str(a.get(0, "format", "")))));
    return s;
  }

  static PyFunction function(String name, java.util.function.BiFunction<Renderer, Args, Object>
      body) {
    return new PyFunction() {
      public String name() {
        return name;
      }

      public Object call(Renderer r, Args args) {
        return body.apply(r, args);
      }
    };
  }

  private static Object range(Renderer r, Args a) {
    a.check("range", 3);
    List<Long> bounds = new ArrayList<>();
    for (Object x : a.positional()) {
      Long n = Py.integer(x);
      if (n == null) {
        throw TemplateError.runtime("'" + Py.typeName(x) + "' object cannot be interpreted as an"
            + " integer");
      }
      bounds.add(n);
    }
    if (bounds.isEmpty()) {
      throw TemplateError.runtime("range expected at least 1 argument, got 0");
    }
    long start = bounds.size() == 1 ? 0 : bounds.get(0);
    long stop = bounds.size() == 1 ? bounds.get(0) : bounds.get(1);
    long step = bounds.size() == 3 ? bounds.get(2) : 1;
    if (step == 0) {
      throw TemplateError.runtime("range() arg 3 must not be zero");
    }
    double length = Math.max(0, Math.ceil(((double) stop - start) / step));
    if (length > MAX_RANGE) {
      throw TemplateError.bound("Range too big. The sandbox blocks ranges larger than"
          + " MAX_RANGE (" + MAX_RANGE + ").");
    }
    r.budget.items((long) length);
    List<Object> items = new ArrayList<>((int) length);
    for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
      items.add(i);
    }
    return PyList.of(items);
  }

  private static Object dict(Renderer r, Args a) {
    a.check("dict", 1, a.keywords().keySet().toArray(new String[0]));
    PyDict.Builder d = new PyDict.Builder();
    if (a.size() == 1) {
      Object source = a.positional().get(0);
      if (source instanceof PyDict m) {
        m.entries().forEach(e -> d.put(e[0], e[1]));
      } else {
        for (Object pair : Py.iterate(source)) {
          List<Object> kv = Py.iterate(pair);
          if (kv.size() != 2) {
            throw TemplateError.runtime("dictionary update sequence element has length "
                + kv.size() + "; 2 is required");
          }
          d.put(kv.get(0), kv.get(1));
        }
      }
    }
    for (Map.Entry<String, Object> e : a.keywords().entrySet()) {
      d.put(e.getKey(), e.getValue());
    }
    r.budget.items(d.size());
    return d.build();
  }

  private static Object namespace(Renderer r, Args a) {
    Namespace ns = new Namespace();
    for (Object initial : a.positional()) {
      if (!(initial instanceof PyDict d)) {
        throw TemplateError.runtime("namespace() takes a dict or keyword arguments");
      }
      d.entries().forEach(e -> ns.attributes.put(r.str(e[0]), e[1]));
    }
    ns.attributes.putAll(a.keywords());
    return ns;
  }

  private static Object joiner(Renderer r, Args a) {
    String sep = r.str(a.get(0, "sep", ", "));
    boolean[] used = {false};
    return function("joiner", (r2, a2) -> {
      if (!used[0]) {
        used[0] = true;
        return "";
      }
      return sep;
    });
  }
}
