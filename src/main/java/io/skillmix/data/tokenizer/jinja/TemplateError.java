package io.skillmix.data.tokenizer.jinja;

/**
 * Why a chat template did not render: its source does not parse, it failed while rendering (as
 * Jinja2 would fail), it called {@code raise_exception}, it used something this sandbox refuses
 * (files, Java, mutation), or it broke one of the bounds of {@link Limits}. The message is one line.
 */
public final class TemplateError extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** What kind of failure. */
  public enum Kind {
    /** The source is not a template: Jinja2 would refuse it when compiling. */
    SYNTAX,
    /** Rendering failed as it fails in Jinja2 (an undefined value used, a type error, ...). */
    RUNTIME,
    /** The template called {@code raise_exception(message)}: it refuses its input. */
    RAISED,
    /** The template asked for what a chat template may not do here (files, mutation, Java). */
    REFUSED,
    /** The template broke a bound on steps, output, sizes or nesting. */
    BOUND
  }

  private final Kind kind;
  private final int line;

  TemplateError(Kind kind, String message, int line) {
    super(message);
    this.kind = kind;
    this.line = line;
  }

  static TemplateError runtime(String message) {
    return new TemplateError(Kind.RUNTIME, message, 0);
  }

  static TemplateError refused(String message) {
    return new TemplateError(Kind.REFUSED, message, 0);
  }

  static TemplateError bound(String message) {
    return new TemplateError(Kind.BOUND, message, 0);
  }

  static TemplateError syntax(String message, int line) {
    return new TemplateError(Kind.SYNTAX, message, line);
  }

  /** The same failure located at {@code atLine} when it has no line yet. */
  TemplateError at(int atLine) {
    return line > 0 || atLine <= 0 ? this : new TemplateError(kind, getMessage(), atLine);
  }

  public Kind kind() {
    return kind;
  }

  /** The template line it happened on, or 0 when unknown. */
  public int line() {
    return line;
  }

  /** The message with its line, e.g. {@code unexpected '}' (template line 3)}. */
  public String describe() {
    return line > 0 ? getMessage() + " (template line " + line + ")" : getMessage();
  }
}
