package io.skillmix.data.tokenizer.jinja;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * An immutable Python sequence: a list, a tuple, or what a filter or method returns lazily in
 * Python (a generator, a reversed iterator, a dict view), which iterates like a list but keeps
 * Python's limits: a generator has no length, a view is not subscriptable.
 */
final class PyList implements Iterable<Object> {

  enum Kind {
    LIST("list", true, true),
    TUPLE("tuple", true, true),
    GENERATOR("generator", false, false),
    REVERSED("list_reverseiterator", false, false),
    DICT_ITEMS("dict_items", true, false),
    DICT_KEYS("dict_keys", true, false),
    DICT_VALUES("dict_values", true, false);

    final String typeName;
    final boolean sized;
    final boolean subscriptable;

    Kind(String typeName, boolean sized, boolean subscriptable) {
      this.typeName = typeName;
      this.sized = sized;
      this.subscriptable = subscriptable;
    }
  }

  final List<Object> items;
  final Kind kind;

  private PyList(List<Object> items, Kind kind) {
    this.items = items;
    this.kind = kind;
  }

  /** A list that takes {@code items} over (the caller keeps no reference to it). */
  static PyList of(List<Object> items) {
    return new PyList(Collections.unmodifiableList(items), Kind.LIST);
  }

  static PyList tuple(List<Object> items) {
    return new PyList(Collections.unmodifiableList(items), Kind.TUPLE);
  }

  static PyList tuple(Object a, Object b) {
    List<Object> pair = new ArrayList<>(2);
    pair.add(a);
    pair.add(b);
    return tuple(pair);
  }

  static PyList of(List<Object> items, Kind kind) {
    return new PyList(Collections.unmodifiableList(items), kind);
  }

  int size() {
    return items.size();
  }

  Object get(int i) {
    return items.get(i);
  }

  boolean isTuple() {
    return kind == Kind.TUPLE;
  }

  @Override
  public Iterator<Object> iterator() {
    return items.iterator();
  }
}
