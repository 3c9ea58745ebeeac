package io.skillmix.data.tokenizer.jinja;

import java.util.List;

/**
 * The {@code loop} variable of a for loop (Jinja2's {@code LoopContext}): index, first, last,
 * length, previtem, nextitem, cycle, changed, depth, and, in a recursive loop, {@code loop(items)}.
 */
final class LoopState {

  private final List<Object> items;
  private final int depth0;
  private final Ast.For recursion;
  private final Scope scope;
  private int index0 = -1;
  private Object lastChanged;
  private boolean changedCalled;

  LoopState(List<Object> items, int depth0, Ast.For recursion, Scope scope) {
    this.items = items;
    this.depth0 = depth0;
    this.recursion = recursion;
    this.scope = scope;
  }

  void advance() {
    index0++;
  }

  int index0() {
    return index0;
  }

  int length() {
    return items.size();
  }

  /** The value of attribute {@code name}, or null when a loop has no such attribute. */
  Object attribute(String name) {
    return switch (name) {
      case "index0" -> (long) index0;
      case "index" -> (long) index0 + 1;
      case "revindex0" -> (long) (items.size() - index0 - 1);
      case "revindex" -> (long) (items.size() - index0);
      case "first" -> index0 == 0;
      case "last" -> index0 == items.size() - 1;
      case "length" -> (long) items.size();
      case "depth0" -> (long) depth0;
      case "depth" -> (long) depth0 + 1;
      case "previtem" -> index0 > 0 ? items.get(index0 - 1)
          : Undefined.hint("there is no previous item");
      case "nextitem" -> index0 + 1 < items.size() ? items.get(index0 + 1)
          : Undefined.hint("there is no next item");
      case "cycle" -> function("cycle", this::cycle);
      case "changed" -> function("changed", this::changed);
      default -> null;
    };
  }

  private Object cycle(Renderer r, Args args) {
    if (args.size() == 0) {
      throw TemplateError.runtime("no items for cycling given");
    }
    return args.positional().get(index0 % args.size());
  }

  private Object changed(Renderer r, Args args) {
    Object value = PyList.tuple(new java.util.ArrayList<>(args.positional()));
    if (!changedCalled || !Py.eq(lastChanged, value)) {
      changedCalled = true;
      lastChanged = value;
      return true;
    }
    return false;
  }

  /** {@code loop(items)} in a recursive loop: renders the loop body over {@code items}. */
  Object recurse(Renderer r, Args args) {
    if (recursion == null) {
      throw TemplateError.runtime("The loop must have the 'recursive' marker to be called"
          + " recursively.");
    }
    if (args.size() != 1) {
      throw TemplateError.runtime("loop() takes exactly one argument");
    }
    return r.recurse(recursion, args.positional().get(0), depth0 + 1, scope);
  }

  private static PyFunction function(String name, java.util.function.BiFunction<Renderer, Args,
      Object> body) {
    return new PyFunction() {
      public String name() {
        return name;
      }

      public Object call(Renderer r, Args args) {
        return body.apply(r, args);
      }
    };
  }
}
