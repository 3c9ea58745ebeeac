package io.skillmix.data.tokenizer.jinja;

/**
 * A macro defined by {@code {% macro name(args) %}}: called like a function, it renders its body
 * in a new scope under the scope it was defined in, and returns the text.
 */
record Macro(Ast.MacroDef definition, Scope closure) {

  String name() {
    return definition.name();
  }
}
