package io.skillmix.data.tokenizer.jinja;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable Python dict, in insertion order. Lookups go through {@link Py#key}, so that keys
 * equal in Python ({@code 1}, {@code 1.0}, {@code True}) are one key, as there.
 */
final class PyDict {

  private final Map<Object, Object[]> entries;

  private PyDict(Map<Object, Object[]> entries) {
    this.entries = Collections.unmodifiableMap(entries);
  }

  /** Builds a dict; a later value for an equal key replaces the earlier one, as in Python. */
  static final class Builder {
    private final LinkedHashMap<Object, Object[]> entries = new LinkedHashMap<>();

    Builder put(Object key, Object value) {
      Object k = Py.key(key);
      Object[] old = entries.get(k);
      entries.put(k, new Object[] {old == null ? key : old[0], value});
      return this;
    }

    int size() {
      return entries.size();
    }

    PyDict build() {
      return new PyDict(entries);
    }
  }

  int size() {
    return entries.size();
  }

  boolean has(Object key) {
    return entries.containsKey(Py.key(key));
  }

  /** The value at {@code key}, or null when absent (see {@link #has}). */
  Object get(Object key) {
    Object[] e = entries.get(Py.key(key));
    return e == null ? null : e[1];
  }

  List<Object> keys() {
    List<Object> out = new ArrayList<>(entries.size());
    entries.values().forEach(e -> out.add(e[0]));
    return out;
  }

  List<Object> values() {
    List<Object> out = new ArrayList<>(entries.size());
    entries.values().forEach(e -> out.add(e[1]));
    return out;
  }

  /** {@code (key, value)} tuples, as {@code dict.items()} gives them. */
  List<Object> items() {
    List<Object> out = new ArrayList<>(entries.size());
    entries.values().forEach(e -> out.add(PyList.tuple(e[0], e[1])));
    return out;
  }

  Iterable<Object[]> entries() {
    return entries.values();
  }
}
