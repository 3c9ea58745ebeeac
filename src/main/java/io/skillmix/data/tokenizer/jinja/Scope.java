package io.skillmix.data.tokenizer.jinja;

import java.util.HashMap;
import java.util.Map;

/**
 * Variables as Jinja2 scopes them: the template's top level (its context), and a child for each
 * loop iteration, macro call and {@code with} block. A {@code set} writes to the innermost scope,
 * so a set inside a loop is gone after the iteration, exactly as in Jinja2; an {@code if} makes no
 * scope of its own.
 */
final class Scope {

  /** What {@link #lookup} returns for a name no scope defines. */
  static final Object MISSING = new Object();

  private final Scope parent;
  private final Map<String, Object> vars = new HashMap<>();

  Scope(Scope parent) {
    this.parent = parent;
  }

  Scope child() {
    return new Scope(this);
  }

  Object lookup(String name) {
    for (Scope s = this; s != null; s = s.parent) {
      Object v = s.vars.get(name);
      if (v != null || s.vars.containsKey(name)) {
        return v;
      }
    }
    return MISSING;
  }

  void set(String name, Object value) {
    vars.put(name, value);
  }
}
