package io.skillmix.data.tokenizer.jinja;

/**
 * Jinja2's default {@code Undefined}: what a missing name, attribute or item evaluates to. It
 * prints as nothing, is false, iterates as empty and has length 0; any other use (arithmetic,
 * attribute access, calling it) fails with Jinja2's message. An unsafe attribute (a method that
 * would change the messages) is an undefined value whose use is refused.
 */
final class Undefined {

  private static final Object MISSING = new Object();

  private final String hint;
  private final Object obj;
  private final Object name;
  private final boolean unsafe;

  private Undefined(String hint, Object obj, Object name, boolean unsafe) {
    this.hint = hint;
    this.obj = obj;
    this.name = name;
    this.unsafe = unsafe;
  }

  /** A name that is not defined. */
  static Undefined name(String name) {
    return new Undefined(null, MISSING, name, false);
  }

  /** Attribute or item {@code name} missing on {@code obj}. */
  static Undefined member(Object obj, Object name) {
    return new Undefined(null, obj, name, false);
  }

  static Undefined hint(String hint) {
    return new Undefined(hint, MISSING, null, false);
  }

  /** A method that would change a list or dict (the sandbox keeps messages immutable). */
  static Undefined unsafe(Object obj, String attribute) {
    return new Undefined("access to attribute '" + attribute + "' of '" + Py.typeName(obj)
        + "' object is unsafe.", obj, attribute, true);
  }

  String message() {
    if (hint != null) {
      return hint;
    }
    if (obj == MISSING) {
      return PyText.repr(name) + " is undefined";
    }
    String type = obj == null ? "None" : Py.typeName(obj) + " object";
    if (!(name instanceof String)) {
      return type + " has no element " + PyText.repr(name);
    }
    return PyText.repr(type) + " has no attribute " + PyText.repr(name);
  }

  /** The error of using this value: Jinja2's UndefinedError, or a refusal for unsafe access. */
  TemplateError fail() {
    return unsafe ? TemplateError.refused(message()) : TemplateError.runtime(message());
  }

  @Override
  public String toString() {
    return "";
  }
}
