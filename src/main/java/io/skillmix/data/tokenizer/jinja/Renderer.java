package io.skillmix.data.tokenizer.jinja;

import io.skillmix.data.tokenizer.jinja.Ast.Stmt;
import io.skillmix.data.tokenizer.jinja.Ast.Target;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One rendering of a parsed template: runs its statements, holds the output, the scopes' root and
 * the {@link Budget}. Statements behave as Jinja2 compiles them (a loop iteration, macro call,
 * {@code with}, set block and {@code generation} block each get their own scope).
 */
final class Renderer {

  /** {@code {% break %}} and {@code {% continue %}} unwind to their loop; no stack trace is made. */
  static final class LoopJump extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LoopJump() {
      super(null, null, false, false);
    }
  }

  static final LoopJump BREAK = new LoopJump();
  static final LoopJump CONTINUE = new LoopJump();

  final Budget budget;
  final Limits limits;
  private final Expressions expressions;
  private final Attributes attributes;
  private StringBuilder out = new StringBuilder();
  private int line;

  Renderer(Limits limits) {
    this.limits = limits;
    this.budget = new Budget(limits);
    this.expressions = new Expressions(this);
    this.attributes = new Attributes(this);
  }

  Expressions expressions() {
    return expressions;
  }

  Attributes attributes() {
    return attributes;
  }

  String render(List<Stmt> body, Scope top) {
    try {
      runAll(body, top);
    } catch (LoopJump jump) {
      throw TemplateError.runtime("'" + (jump == BREAK ? "break" : "continue")
          + "' outside loop").at(line);
    } catch (TemplateError e) {
      throw e.at(line);
    } catch (StackOverflowError e) {
      // A last guard: the bounds on nesting should end every deep recursion before this.
      throw TemplateError.bound("it nests too deeply to render").at(line);
    }
    return out.toString();
  }

  void runAll(List<Stmt> body, Scope s) {
    for (Stmt stmt : body) {
      budget.step();
      line = stmt.line();
      stmt.run(this, s);
    }
  }

  void write(String s) {
    budget.output((long) out.length() + s.length());
    out.append(s);
  }

  /** What {@code body} writes, as a string, instead of writing it. */
  String capture(Runnable body) {
    StringBuilder saved = out;
    out = new StringBuilder();
    try {
      body.run();
      return budget.string(out.toString());
    } finally {
      out = saved;
    }
  }

  /** {@code str(value)} within the bound on characters. */
  String str(Object value) {
    return value instanceof String s ? s : PyText.str(value, limits.chars());
  }

  Object lookup(String name, Scope s) {
    Object v = s.lookup(name);
    return v == Scope.MISSING ? Undefined.name(name) : v;
  }

  // ---------------------------------------------------------------- statements

  void output(Ast.Output o, Scope s) {
    for (Object part : o.parts()) {
      budget.step();
      write(part instanceof String text ? text : str(((Ast.Expr) part).eval(this, s)));
    }
  }

  void runIf(Ast.If node, Scope s) {
    for (int i = 0; i < node.tests().size(); i++) {
      budget.step();
      if (Py.truthy(node.tests().get(i).eval(this, s))) {
        runAll(node.bodies().get(i), s);
        return;
      }
    }
    runAll(node.otherwise(), s);
  }

  void runFor(Ast.For node, Scope s) {
    loop(node, node.iterable().eval(this, s), 0, s);
  }

  /** {@code loop(items)} of a recursive loop: the body over {@code items}, as text. */
  String recurse(Ast.For node, Object items, int depth0, Scope s) {
    budget.enter();
    try {
      return capture(() -> loop(node, items, depth0, s));
    } finally {
      budget.exit();
    }
  }

  private void loop(Ast.For node, Object iterable, int depth0, Scope outer) {
    List<Object> items = Py.iterate(iterable);
    if (node.filter() != null) {
      List<Object> kept = new ArrayList<>();
      for (Object item : items) {
        budget.step();
        Scope test = outer.child();
        assign(node.target(), item, test);
        if (Py.truthy(node.filter().eval(this, test))) {
          kept.add(item);
        }
      }
      items = kept;
    }
    LoopState loop = new LoopState(items, depth0, node.recursive() ? node : null, outer);
    for (Object item : items) {
      budget.step();
      loop.advance();
      Scope body = outer.child();
      assign(node.target(), item, body);
      body.set("loop", loop);
      try {
        runAll(node.body(), body);
      } catch (LoopJump jump) {
        if (jump == BREAK) {
          break;
        }
      }
    }
    if (items.isEmpty()) {
      runAll(node.otherwise(), outer.child());
    }
  }

  void assign(Target target, Object value, Scope s) {
    if (target instanceof Ast.NameTarget n) {
      s.set(n.name(), value);
    } else if (target instanceof Ast.NsTarget ns) {
      Object space = lookup(ns.namespace(), s);
      if (!(space instanceof Namespace namespace)) {
        throw TemplateError.runtime("cannot assign attribute on non-namespace object");
      }
      namespace.attributes.put(ns.attribute(), value);
    } else {
      List<Target> targets = ((Ast.TupleTarget) target).items();
      if (!(value instanceof String || value instanceof PyList || value instanceof PyDict
          || value instanceof Undefined)) {
        throw TemplateError.runtime("cannot unpack non-iterable " + Py.typeName(value)
            + " object");
      }
      List<Object> values = Py.iterate(value);
      if (values.size() != targets.size()) {
        throw TemplateError.runtime(values.size() < targets.size()
            ? "not enough values to unpack (expected " + targets.size() + ", got "
                + values.size() + ")"
            : "too many values to unpack (expected " + targets.size() + ")");
      }
      for (int i = 0; i < targets.size(); i++) {
        assign(targets.get(i), values.get(i), s);
      }
    }
  }

  void runSetBlock(Ast.SetBlock node, Scope s) {
    Scope inner = s.child();
    Object value = capture(() -> runAll(node.body(), inner));
    if (node.filter() != null) {
      value = expressions.filterChain(node.filter(), value, s);
    }
    assign(node.target(), value, s);
  }

  void runFilterBlock(Ast.FilterBlock node, Scope s) {
    Scope inner = s.child();
    String body = capture(() -> runAll(node.body(), inner));
    write(str(expressions.filterChain(node.filter(), body, s)));
  }

  void runWith(Ast.With node, Scope s) {
    Scope inner = s.child();
    for (int i = 0; i < node.targets().size(); i++) {
      assign(node.targets().get(i), node.values().get(i).eval(this, s), inner);
    }
    runAll(node.body(), inner);
  }

  void runCallBlock(Ast.CallBlock node, Scope s) {
    Macro caller = new Macro(node.caller(), s);
    write(str(expressions.call(node.call(), s, caller)));
  }

  void runGeneration(Ast.Generation node, Scope s) {
    write(String.valueOf(JinjaTemplate.GENERATION_START));
    runAll(node.body(), s.child());
    write(String.valueOf(JinjaTemplate.GENERATION_END));
  }

  // ---------------------------------------------------------------- macros

  /** Calls a macro as Jinja2's {@code Macro.__call__} does: positional, keyword, defaults. */
  String callMacro(Macro macro, Args args) {
    Ast.MacroDef d = macro.definition();
    budget.enter();
    try {
      Scope scope = macro.closure().child();
      List<Object> positional = args.positional();
      Map<String, Object> keywords = new LinkedHashMap<>(args.keywords());
      int n = d.params().size();
      int firstDefault = n - d.defaults().size();
      for (int i = 0; i < n; i++) {
        String name = d.params().get(i);
        if (i < positional.size()) {
          scope.set(name, positional.get(i));
        } else if (keywords.containsKey(name)) {
          scope.set(name, keywords.remove(name));
        } else if (i >= firstDefault) {
          scope.set(name, d.defaults().get(i - firstDefault).eval(this, scope));
        } else {
          scope.set(name, Undefined.hint("parameter '" + name + "' was not provided"));
        }
      }
      if (d.caller() && !d.params().contains("caller")) {
        Object caller = keywords.remove("caller");
        scope.set("caller", caller != null ? caller : Undefined.hint("No caller defined"));
      }
      if (d.kwargs()) {
        PyDict.Builder kw = new PyDict.Builder();
        keywords.forEach(kw::put);
        scope.set("kwargs", kw.build());
      } else if (!keywords.isEmpty()) {
        throw TemplateError.runtime("macro '" + d.name() + "' takes no keyword argument '"
            + keywords.keySet().iterator().next() + "'");
      }
      if (d.varargs()) {
        scope.set("varargs", PyList.tuple(new ArrayList<>(positional.subList(
            Math.min(n, positional.size()), positional.size()))));
      } else if (positional.size() > n) {
        throw TemplateError.runtime("macro '" + d.name() + "' takes not more than " + n
            + " argument(s)");
      }
      return capture(() -> runAll(d.body(), scope));
    } finally {
      budget.exit();
    }
  }
}
