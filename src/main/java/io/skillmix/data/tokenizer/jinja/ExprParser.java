package io.skillmix.data.tokenizer.jinja;

import io.skillmix.data.tokenizer.jinja.Ast.CallArgs;
import io.skillmix.data.tokenizer.jinja.Ast.Expr;
import io.skillmix.data.tokenizer.jinja.Token.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Jinja2's expression grammar ({@code parse_condexpr} down to {@code parse_primary}), rule for rule. */
final class ExprParser {

  private static final Set<String> COMPARE = Set.of("==", "!=", "<", "<=", ">", ">=");

  private final TokenStream stream;
  private final SubscriptParser subscripts;

  ExprParser(TokenStream stream) {
    this.stream = stream;
    this.subscripts = new SubscriptParser(stream, this);
  }

  Expr expression() {
    return conditional();
  }

  Expr expression(boolean withCondexpr) {
    return withCondexpr ? conditional() : or();
  }

  private Expr conditional() {
    stream.enter();
    int line = stream.current().line();
    Expr expr = or();
    while (stream.skipName("if")) {
      Expr test = or();
      Expr otherwise = stream.skipName("else") ? conditional() : null;
      expr = new Ast.CondExpr(test, expr, otherwise, line);
    }
    stream.exit();
    return expr;
  }

  private Expr or() {
    Expr left = and();
    while (stream.skipName("or")) {
      left = new Ast.Binary("or", left, and());
    }
    return left;
  }

  private Expr and() {
    Expr left = not();
    while (stream.skipName("and")) {
      left = new Ast.Binary("and", left, not());
    }
    return left;
  }

  private Expr not() {
    if (stream.current().isName("not")) {
      stream.next();
      stream.enter();
      Expr operand = not();
      stream.exit();
      return new Ast.Unary("not", operand);
    }
    return compare();
  }

  private Expr compare() {
    Expr first = math1();
    List<String> ops = new ArrayList<>();
    List<Expr> operands = new ArrayList<>();
    while (true) {
      Token t = stream.current();
      if (t.is(Type.OPERATOR) && COMPARE.contains(t.text())) {
        stream.next();
        ops.add(t.text());
      } else if (stream.skipName("in")) {
        ops.add("in");
      } else if (t.isName("not") && stream.look().isName("in")) {
        stream.next();
        stream.next();
        ops.add("notin");
      } else {
        break;
      }
      operands.add(math1());
    }
    return ops.isEmpty() ? first : new Ast.Compare(first, ops, operands);
  }

  private Expr math1() {
    Expr left = concat();
    while (stream.current().isOp("+") || stream.current().isOp("-")) {
      String op = stream.next().text();
      left = new Ast.Binary(op, left, concat());
    }
    return left;
  }

  private Expr concat() {
    List<Expr> parts = new ArrayList<>();
    parts.add(math2());
    while (stream.skipOp("~")) {
      parts.add(math2());
    }
    return parts.size() == 1 ? parts.get(0) : new Ast.Concat(parts);
  }

  private Expr math2() {
    Expr left = pow();
    while (stream.current().isOp("*") || stream.current().isOp("/")
        || stream.current().isOp("//") || stream.current().isOp("%")) {
      String op = stream.next().text();
      left = new Ast.Binary(op, left, pow());
    }
    return left;
  }

  private Expr pow() {
    Expr left = unary(true);
    while (stream.skipOp("**")) {
      left = new Ast.Binary("**", left, unary(true));
    }
    return left;
  }

  private Expr unary(boolean withFilter) {
    stream.enter();
    Expr node;
    if (stream.skipOp("-")) {
      node = new Ast.Unary("-", unary(false));
    } else if (stream.skipOp("+")) {
      node = new Ast.Unary("+", unary(false));
    } else {
      node = primary();
    }
    node = postfix(node);
    if (withFilter) {
      node = filterExpr(node);
    }
    stream.exit();
    return node;
  }

  Expr primary() {
    Token t = stream.current();
    switch (t.type()) {
      case NAME -> {
        stream.next();
        return switch (t.text()) {
          case "true", "True" -> new Ast.Const(true);
          case "false", "False" -> new Ast.Const(false);
          case "none", "None" -> new Ast.Const(null);
          default -> {
            stream.namesRead.add(t.text());
            yield new Ast.Name(t.text());
          }
        };
      }
      case STRING -> {
        StringBuilder s = new StringBuilder();
        while (stream.current().is(Type.STRING)) {
          s.append(stream.next().text()); // adjacent literals join, as in Python
        }
        return new Ast.Const(s.toString());
      }
      case INTEGER, FLOAT -> {
        stream.next();
        return new Ast.Const(t.value());
      }
      default -> { }
    }
    if (stream.skipOp("(")) {
      Expr e = tuple(false, true, Set.of(), true);
      stream.expectOp(")");
      return e;
    }
    if (stream.current().isOp("[")) {
      return list();
    }
    if (stream.current().isOp("{")) {
      return dict();
    }
    throw stream.fail("unexpected '" + t.describe() + "'");
  }

  /** Jinja2's {@code parse_tuple}: one expression, or a tuple when commas separate several. */
  Expr tuple(boolean simplified, boolean withCondexpr, Set<String> extraEnd,
      boolean explicitParentheses) {
    List<Expr> items = new ArrayList<>();
    boolean isTuple = false;
    while (true) {
      if (!items.isEmpty()) {
        stream.expectOp(",");
      }
      if (tupleEnd(extraEnd)) {
        break;
      }
      items.add(simplified ? primary() : expression(withCondexpr));
      if (stream.current().isOp(",")) {
        isTuple = true;
      } else {
        break;
      }
    }
    if (!isTuple) {
      if (!items.isEmpty()) {
        return items.get(0);
      }
      if (!explicitParentheses) {
        throw stream.fail("Expected an expression, got '" + stream.current().describe() + "'");
      }
    }
    return new Ast.ListLit(items, true);
  }

  boolean tupleEnd(Set<String> extraEnd) {
    Token t = stream.current();
    return t.is(Type.VARIABLE_END) || t.is(Type.BLOCK_END) || t.isOp(")")
        || (t.is(Type.NAME) && extraEnd.contains(t.text()));
  }

  private Expr list() {
    stream.expectOp("[");
    List<Expr> items = new ArrayList<>();
    while (!stream.current().isOp("]")) {
      if (!items.isEmpty()) {
        stream.expectOp(",");
      }
      if (stream.current().isOp("]")) {
        break;
      }
      items.add(expression());
    }
    stream.expectOp("]");
    return new Ast.ListLit(items, false);
  }

  private Expr dict() {
    stream.expectOp("{");
    List<Expr> keys = new ArrayList<>();
    List<Expr> values = new ArrayList<>();
    while (!stream.current().isOp("}")) {
      if (!keys.isEmpty()) {
        stream.expectOp(",");
      }
      if (stream.current().isOp("}")) {
        break;
      }
      keys.add(expression());
      stream.expectOp(":");
      values.add(expression());
    }
    stream.expectOp("}");
    return new Ast.DictLit(keys, values);
  }

  Expr postfix(Expr node) {
    while (true) {
      if (stream.current().isOp(".") || stream.current().isOp("[")) {
        node = subscripts.subscript(node);
      } else if (stream.current().isOp("(")) {
        node = new Ast.Call(node, subscripts.callArgs());
      } else {
        return node;
      }
    }
  }

  private Expr filterExpr(Expr node) {
    while (true) {
      if (stream.current().isOp("|")) {
        node = filter(node, false);
      } else if (stream.current().isName("is")) {
        node = test(node);
      } else if (stream.current().isOp("(")) {
        node = new Ast.Call(node, subscripts.callArgs());
      } else {
        return node;
      }
    }
  }

  /** {@code |name(args)|name2...}; with {@code startInline} the first name needs no pipe. */
  Ast.Filter filter(Expr node, boolean startInline) {
    Ast.Filter result = null;
    while (stream.current().isOp("|") || startInline) {
      if (!startInline) {
        stream.next();
      }
      String name = dottedName();
      CallArgs args = stream.current().isOp("(") ? subscripts.callArgs() : CallArgs.NONE;
      result = new Ast.Filter(node, name, args);
      node = result;
      startInline = false;
    }
    return result;
  }

  private Expr test(Expr node) {
    stream.next();
    boolean negated = stream.skipName("not");
    String name = dottedName();
    CallArgs args = CallArgs.NONE;
    Token t = stream.current();
    if (t.isOp("(")) {
      args = subscripts.callArgs();
    } else if ((t.is(Type.NAME) || t.is(Type.STRING) || t.is(Type.INTEGER) || t.is(Type.FLOAT)
        || t.isOp("[") || t.isOp("{")) && !t.isName("else") && !t.isName("or")
        && !t.isName("and")) {
      if (t.isName("is")) {
        throw stream.fail("You cannot chain multiple tests with is");
      }
      args = new CallArgs(List.of(postfix(primary())), List.of(), List.of(), null, null);
    }
    Expr test = new Ast.Test(node, name, args);
    return negated ? new Ast.Unary("not", test) : test;
  }

  private String dottedName() {
    StringBuilder name = new StringBuilder(stream.expect(Type.NAME, "name").text());
    while (stream.skipOp(".")) {
      name.append('.').append(stream.expect(Type.NAME, "name").text());
    }
    return name.toString();
  }
}
