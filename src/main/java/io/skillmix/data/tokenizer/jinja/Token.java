package io.skillmix.data.tokenizer.jinja;

/** A token of Jinja2's lexer; {@code value} is the text, or the literal's value. */
record Token(Type type, Object value, int line) {

  enum Type {
    DATA, VARIABLE_BEGIN, VARIABLE_END, BLOCK_BEGIN, BLOCK_END, NAME, STRING, INTEGER, FLOAT,
    OPERATOR, EOF
  }

  boolean is(Type t) {
    return type == t;
  }

  /** An operator token {@code op}, such as {@code "("}. */
  boolean isOp(String op) {
    return type == Type.OPERATOR && value.equals(op);
  }

  /** A name token {@code name}, such as {@code endfor}. */
  boolean isName(String name) {
    return type == Type.NAME && value.equals(name);
  }

  String text() {
    return String.valueOf(value);
  }

  /** The token as Jinja2's messages describe it. */
  String describe() {
    return switch (type) {
      case EOF -> "end of template";
      case VARIABLE_END -> "end of print statement";
      case BLOCK_END -> "end of statement block";
      case STRING -> "string";
      default -> text();
    };
  }
}
