package io.skillmix.data.tokenizer.jinja;

import java.util.List;

/**
 * The parsed template: statements and expressions as Jinja2's parser builds them ({@code
 * jinja2/nodes.py}), each with the source line it starts on. Nodes are immutable, so one parsed
 * template renders on any number of threads at once.
 */
final class Ast {

  private Ast() {}

  /** A statement: runs against a {@link Renderer}. */
  interface Stmt {
    int line();

    void run(Renderer r, Scope s);
  }

  /** An expression: evaluates to a template value. */
  interface Expr {
    Object eval(Renderer r, Scope s);
  }

  /** Where {@code set}, {@code for} and {@code with} store: a name, a tuple of them, {@code ns.attr}. */
  sealed interface Target permits NameTarget, TupleTarget, NsTarget {}

  record NameTarget(String name) implements Target {}

  record TupleTarget(List<Target> items) implements Target {}

  record NsTarget(String namespace, String attribute) implements Target {}

  /** Arguments as written: positional, keyword, {@code *args}, {@code **kwargs}. */
  record CallArgs(List<Expr> positional, List<String> names, List<Expr> values, Expr star,
      Expr starStar) {
    static final CallArgs NONE = new CallArgs(List.of(), List.of(), List.of(), null, null);
  }

  // ---------------------------------------------------------------- statements

  /** Template text and {@code {{ ... }}} expressions in a row; a String part is text. */
  record Output(List<Object> parts, int line) implements Stmt {
    public void run(Renderer r, Scope s) {
      r.output(this, s);
    }
  }

  record If(List<Expr> tests, List<List<Stmt>> bodies, List<Stmt> otherwise, int line)
      implements Stmt {
    public void run(Renderer r, Scope s) {
      r.runIf(this, s);
    }
  }

  record For(Target target, Expr iterable, Expr filter, boolean recursive, List<Stmt> body,
      List<Stmt> otherwise, int line) implements Stmt {
    public void run(Renderer r, Scope s) {
      r.runFor(this, s);
    }
  }

  record Set(Target target, Expr value, int line) implements Stmt {
    public void run(Renderer r, Scope s) {
      r.assign(target, value.eval(r, s), s);
    }
  }

  /** {@code {% set x %}...{% endset %}}, optionally through filters. */
  record SetBlock(Target target, Filter filter, List<Stmt> body, int line) implements Stmt {
    public void run(Renderer r, Scope s) {
      r.runSetBlock(this, s);
    }
  }

  record MacroDef(String name, List<String> params, List<Expr> defaults, List<Stmt> body,
      boolean varargs, boolean kwargs, boolean caller, int line) implements Stmt {
    public void run(Renderer r, Scope s) {
      s.set(name, new Macro(this, s));
    }
  }

  /** {@code {% call(args) m(...) %}body{% endcall %}}: {@code m} gets the body as {@code caller}. */
  record CallBlock(MacroDef caller, Call call, int line) implements Stmt {
    public void run(Renderer r, Scope s) {
      r.runCallBlock(this, s);
    }
  }

  /** {@code {% filter f %}...{% endfilter %}}: the body's output through a filter chain. */
  record FilterBlock(Filter filter, List<Stmt> body, int line) implements Stmt {
    public void run(Renderer r, Scope s) {
      r.runFilterBlock(this, s);
    }
  }

  record With(List<Target> targets, List<Expr> values, List<Stmt> body, int line)
      implements Stmt {
    public void run(Renderer r, Scope s) {
      r.runWith(this, s);
    }
  }

  /** {@code {% break %}} and {@code {% continue %}} (Jinja2's loopcontrols extension). */
  record LoopControl(boolean isBreak, int line) implements Stmt {
    public void run(Renderer r, Scope s) {
      throw isBreak ? Renderer.BREAK : Renderer.CONTINUE;
    }
  }

  /** {@code {% generation %}...{% endgeneration %}}: the assistant text training counts. */
  record Generation(List<Stmt> body, int line) implements Stmt {
    public void run(Renderer r, Scope s) {
      r.runGeneration(this, s);
    }
  }

  // ---------------------------------------------------------------- expressions

  record Const(Object value) implements Expr {
    public Object eval(Renderer r, Scope s) {
      return value;
    }
  }

  record Name(String name) implements Expr {
    public Object eval(Renderer r, Scope s) {
      return r.lookup(name, s);
    }
  }

  record ListLit(List<Expr> items, boolean tuple) implements Expr {
    public Object eval(Renderer r, Scope s) {
      return r.expressions().list(this, s);
    }
  }

  record DictLit(List<Expr> keys, List<Expr> values) implements Expr {
    public Object eval(Renderer r, Scope s) {
      return r.expressions().dict(this, s);
    }
  }

  record GetAttr(Expr target, String name) implements Expr {
    public Object eval(Renderer r, Scope s) {
      return r.attributes().getattr(target.eval(r, s), name);
    }
  }

  record GetItem(Expr target, Expr key) implements Expr {
    public Object eval(Renderer r, Scope s) {
      return r.expressions().getitem(this, s);
    }
  }

  /** {@code a:b:c} inside brackets; absent parts are null. */
  record Slice(Expr start, Expr stop, Expr step) implements Expr {
    public Object eval(Renderer r, Scope s) {
      throw new IllegalStateException("a slice is evaluated by its subscript");
    }
  }

  record Call(Expr function, CallArgs args) implements Expr {
    public Object eval(Renderer r, Scope s) {
      return r.expressions().call(this, s);
    }
  }

  /** {@code value|name(args)}; {@code value} is null in a filter block's or set block's chain. */
  record Filter(Expr value, String name, CallArgs args) implements Expr {
    public Object eval(Renderer r, Scope s) {
      return r.expressions().filter(this, value.eval(r, s), s);
    }
  }

  record Test(Expr value, String name, CallArgs args) implements Expr {
    public Object eval(Renderer r, Scope s) {
      return r.expressions().test(this, s);
    }
  }

  /** {@code -x}, {@code +x}, {@code not x}. */
  record Unary(String op, Expr operand) implements Expr {
    public Object eval(Renderer r, Scope s) {
      return r.expressions().unary(this, s);
    }
  }

  /** Arithmetic, {@code and}, {@code or}; {@code op} as written. */
  record Binary(String op, Expr left, Expr right) implements Expr {
    public Object eval(Renderer r, Scope s) {
      return r.expressions().binary(this, s);
    }
  }

  /** A chain of comparisons {@code a < b <= c}: ops are eq, ne, lt, lteq, gt, gteq, in, notin. */
  record Compare(Expr first, List<String> ops, List<Expr> operands) implements Expr {
    public Object eval(Renderer r, Scope s) {
      return r.expressions().compare(this, s);
    }
  }

  /** {@code a ~ b ~ c}. */
  record Concat(List<Expr> parts) implements Expr {
    public Object eval(Renderer r, Scope s) {
      return r.expressions().concat(this, s);
    }
  }

  /** {@code a if test else b}; without else the value is undefined. */
  record CondExpr(Expr test, Expr then, Expr otherwise, int line) implements Expr {
    public Object eval(Renderer r, Scope s) {
      return r.expressions().conditional(this, s);
    }
  }
}
