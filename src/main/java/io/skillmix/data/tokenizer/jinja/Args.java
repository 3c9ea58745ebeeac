package io.skillmix.data.tokenizer.jinja;

import java.util.LinkedHashMap;
import java.util.List;

/** Evaluated call arguments: positional, then keyword ones in the order written. */
record Args(List<Object> positional, LinkedHashMap<String, Object> keywords) {

  static Args of(Object... positional) {
    return new Args(List.of(positional), new LinkedHashMap<>());
  }

  int size() {
    return positional.size();
  }

  /** Argument {@code i} or keyword {@code name}, else {@code fallback}. */
  Object get(int i, String name, Object fallback) {
    if (i < positional.size()) {
      return positional.get(i);
    }
    return keywords.containsKey(name) ? keywords.get(name) : fallback;
  }

  /** Refuses keywords other than {@code allowed} and more than {@code max} positional arguments. */
  Args check(String function, int max, String... allowed) {
    if (positional.size() > max) {
      throw TemplateError.runtime(function + "() takes at most " + max + " argument"
          + (max == 1 ? "" : "s") + " (" + positional.size() + " given)");
    }
    for (String key : keywords.keySet()) {
      if (!List.of(allowed).contains(key)) {
        throw TemplateError.runtime(function + "() got an unexpected keyword argument '" + key
            + "'");
      }
    }
    return this;
  }
}
