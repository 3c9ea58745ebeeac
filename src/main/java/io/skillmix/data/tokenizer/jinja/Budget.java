package io.skillmix.data.tokenizer.jinja;

/** What one rendering has used of its {@link Limits}; exceeding any of them ends it. */
final class Budget {

  private final Limits limits;
  private long steps;
  private long allocated;
  private int depth;

  Budget(Limits limits) {
    this.limits = limits;
  }

  /** The most characters a string may have. */
  long maxChars() {
    return limits.chars();
  }

  void step() {
    if (++steps > limits.steps()) {
      throw TemplateError.bound("it took more than " + Limits.count(limits.steps())
          + " evaluation steps (a chat template may not loop without end)");
    }
  }

  /** Counts {@code n} steps at once: a filter or method that visits {@code n} items. */
  void steps(long n) {
    steps += n;
    if (steps > limits.steps()) {
      step();
    }
  }

  /** Refuses a string of {@code n} characters before it is made, and counts it as made. */
  void chars(long n) {
    if (n > limits.chars()) {
      throw TemplateError.bound("it made a string of " + Limits.count(n) + " characters, more"
          + " than its bound of " + Limits.count(limits.chars()));
    }
    allocate(n);
  }

  /** {@code s}, counted as made. */
  String string(String s) {
    chars(s.length());
    return s;
  }

  /** Refuses a list or dict of {@code n} items before it is made, and counts it as made. */
  void items(long n) {
    if (n > limits.items()) {
      throw TemplateError.bound("it made a list of " + Limits.count(n) + " items, more than its"
          + " bound of " + Limits.count(limits.items()));
    }
    allocate(n);
  }

  private void allocate(long n) {
    allocated += n;
    if (allocated > limits.allocated()) {
      throw TemplateError.bound("it made more than " + Limits.count(limits.allocated())
          + " characters and items in all (a bound on its memory)");
    }
  }

  /** The output reached {@code length} characters. */
  void output(long length) {
    if (length > limits.chars()) {
      throw TemplateError.bound("it wrote more than " + Limits.count(limits.chars())
          + " characters (a bound of its output for this input)");
    }
  }

  /** Enters a macro call or recursive loop level. */
  void enter() {
    if (++depth > limits.depth()) {
      throw TemplateError.bound("macro calls or recursive loops nest deeper than "
          + limits.depth());
    }
  }

  void exit() {
    depth--;
  }

  /** A value walked (printed, compared, written as JSON) nests deeper than the bound. */
  void nesting(int level) {
    if (level > limits.depth()) {
      throw TemplateError.bound("a value nests deeper than " + limits.depth() + " levels");
    }
  }
}
