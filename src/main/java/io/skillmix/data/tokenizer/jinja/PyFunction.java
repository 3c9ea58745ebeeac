package io.skillmix.data.tokenizer.jinja;

/**
 * A callable value: a global ({@code range}, {@code namespace}, {@code raise_exception}, ...), a
 * bound method of a string, list or dict, or a loop's {@code cycle}. Only what this package
 * defines can be called; nothing reaches Java objects.
 */
interface PyFunction {

  /** Its name, for messages. */
  String name();

  Object call(Renderer renderer, Args args);
}
