package io.skillmix.data.tokenizer.jinja;

import java.util.List;

/** The parser's view of the tokens, with Jinja2's helpers (expect, skip_if, look) and a nesting bound. */
final class TokenStream {

  private final List<Token> tokens;
  private int at;
  private int depth;
  /** Every name read as a variable, in order: macros look for varargs, kwargs and caller in it. */
  final java.util.List<String> namesRead = new java.util.ArrayList<>();

  TokenStream(List<Token> tokens) {
    this.tokens = tokens;
  }

  Token current() {
    return tokens.get(at);
  }

  Token look() {
    return tokens.get(Math.min(at + 1, tokens.size() - 1));
  }

  Token next() {
    Token t = tokens.get(at);
    if (at < tokens.size() - 1) {
      at++;
    }
    return t;
  }

  boolean skipOp(String op) {
    if (current().isOp(op)) {
      next();
      return true;
    }
    return false;
  }

  boolean skipName(String name) {
    if (current().isName(name)) {
      next();
      return true;
    }
    return false;
  }

  Token expect(Token.Type type, String what) {
    if (!current().is(type)) {
      throw fail("expected token '" + what + "', got '" + current().describe() + "'");
    }
    return next();
  }

  Token expectOp(String op) {
    if (!current().isOp(op)) {
      throw fail("expected token '" + op + "', got '" + current().describe() + "'");
    }
    return next();
  }

  void expectName(String name) {
    if (!current().isName(name)) {
      throw fail("expected token '" + name + "', got '" + current().describe() + "'");
    }
    next();
  }

  TemplateError fail(String message) {
    return TemplateError.syntax(message, current().line());
  }

  /** Enters one level of nesting; a template nested deeper than the bound is refused. */
  void enter() {
    if (++depth > Limits.PARSE_DEPTH) {
      throw new TemplateError(TemplateError.Kind.BOUND, "its blocks or expressions nest deeper"
          + " than " + Limits.PARSE_DEPTH + " levels", current().line());
    }
  }

  void exit() {
    depth--;
  }
}
