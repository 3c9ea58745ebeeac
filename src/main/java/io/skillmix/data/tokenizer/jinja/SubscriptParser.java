package io.skillmix.data.tokenizer.jinja;

import io.skillmix.data.tokenizer.jinja.Ast.CallArgs;
import io.skillmix.data.tokenizer.jinja.Ast.Expr;
import io.skillmix.data.tokenizer.jinja.Token.Type;
import java.util.ArrayList;
import java.util.List;

/** Jinja2's {@code parse_subscript}, {@code parse_subscribed} and {@code parse_call_args}. */
final class SubscriptParser {

  private final TokenStream stream;
  private final ExprParser exprs;

  SubscriptParser(TokenStream stream, ExprParser exprs) {
    this.stream = stream;
    this.exprs = exprs;
  }

  Expr subscript(Expr node) {
    Token t = stream.next();
    if (t.isOp(".")) {
      Token attr = stream.next();
      if (attr.is(Type.NAME)) {
        return new Ast.GetAttr(node, attr.text());
      }
      if (!attr.is(Type.INTEGER)) {
        throw TemplateError.syntax("expected name or number", attr.line());
      }
      return new Ast.GetItem(node, new Ast.Const(attr.value()));
    }
    List<Expr> args = new ArrayList<>();
    while (!stream.current().isOp("]")) {
      if (!args.isEmpty()) {
        stream.expectOp(",");
      }
      args.add(subscribed());
    }
    stream.expectOp("]");
    return new Ast.GetItem(node, args.size() == 1 ? args.get(0) : new Ast.ListLit(args, true));
  }

  private Expr subscribed() {
    Expr start = null;
    if (!stream.current().isOp(":")) {
      start = exprs.expression();
      if (!stream.current().isOp(":")) {
        return start;
      }
    }
    stream.next();
    Expr stop = null;
    if (!stream.current().isOp(":") && !stream.current().isOp("]")
        && !stream.current().isOp(",")) {
      stop = exprs.expression();
    }
    Expr step = null;
    if (stream.skipOp(":") && !stream.current().isOp("]") && !stream.current().isOp(",")) {
      step = exprs.expression();
    }
    return new Ast.Slice(start, stop, step);
  }

  CallArgs callArgs() {
    int line = stream.expectOp("(").line();
    List<Expr> positional = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<Expr> values = new ArrayList<>();
    Expr star = null;
    Expr starStar = null;
    boolean requireComma = false;
    while (!stream.current().isOp(")")) {
      if (requireComma) {
        stream.expectOp(",");
        if (stream.current().isOp(")")) {
          break;
        }
      }
      if (stream.skipOp("*")) {
        ensure(star == null && starStar == null, line);
        star = exprs.expression();
      } else if (stream.skipOp("**")) {
        ensure(starStar == null, line);
        starStar = exprs.expression();
      } else if (stream.current().is(Type.NAME) && stream.look().isOp("=")) {
        ensure(starStar == null, line);
        names.add(stream.next().text());
        stream.next();
        values.add(exprs.expression());
      } else {
        ensure(star == null && starStar == null && names.isEmpty(), line);
        positional.add(exprs.expression());
      }
      requireComma = true;
    }
    stream.expectOp(")");
    return new CallArgs(positional, names, values, star, starStar);
  }

  private static void ensure(boolean ok, int line) {
    if (!ok) {
      throw TemplateError.syntax("invalid syntax for function call expression", line);
    }
  }
}
