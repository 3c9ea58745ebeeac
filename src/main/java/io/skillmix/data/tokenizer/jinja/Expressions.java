package io.skillmix.data.tokenizer.jinja;

import io.skillmix.data.tokenizer.jinja.Ast.CallArgs;
import io.skillmix.data.tokenizer.jinja.Ast.Expr;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/** Evaluates expressions as Jinja2's compiled code does, one step each against the budget. */
final class Expressions {

  private final Renderer r;
  private final PyOps ops;

  Expressions(Renderer renderer) {
    this.r = renderer;
    this.ops = new PyOps(renderer.budget);
  }

  Object list(Ast.ListLit node, Scope s) {
    r.budget.step();
    r.budget.items(node.items().size());
    List<Object> items = new ArrayList<>(node.items().size());
    for (Expr e : node.items()) {
      items.add(e.eval(r, s));
    }
    return node.tuple() ? PyList.tuple(items) : PyList.of(items);
  }

  Object dict(Ast.DictLit node, Scope s) {
    r.budget.step();
    r.budget.items(node.keys().size());
    PyDict.Builder d = new PyDict.Builder();
    for (int i = 0; i < node.keys().size(); i++) {
      d.put(node.keys().get(i).eval(r, s), node.values().get(i).eval(r, s));
    }
    return d.build();
  }

  Object getitem(Ast.GetItem node, Scope s) {
    r.budget.step();
    Object target = node.target().eval(r, s);
    if (node.key() instanceof Ast.Slice slice) {
      return r.attributes().slice(target, value(slice.start(), s), value(slice.stop(), s),
          value(slice.step(), s));
    }
    return r.attributes().getitem(target, node.key().eval(r, s));
  }

  private Object value(Expr e, Scope s) {
    return e == null ? null : e.eval(r, s);
  }

  Object call(Ast.Call node, Scope s) {
    return call(node, s, null);
  }

  /** Calls {@code node}; {@code caller} is the body of a call block, passed as {@code caller}. */
  Object call(Ast.Call node, Scope s, Macro caller) {
    r.budget.step();
    Object function = node.function().eval(r, s);
    Args args = args(node.args(), s);
    if (caller != null) {
      args.keywords().put("caller", caller);
    }
    if (function instanceof PyFunction f) {
      return f.call(r, args);
    } else if (function instanceof Macro m) {
      return r.callMacro(m, args);
    } else if (function instanceof LoopState loop) {
      return loop.recurse(r, args);
    } else if (function instanceof Undefined u) {
      throw u.fail();
    }
    throw TemplateError.runtime("'" + Py.typeName(function) + "' object is not callable");
  }

  Args args(CallArgs a, Scope s) {
    List<Object> positional = new ArrayList<>(a.positional().size());
    for (Expr e : a.positional()) {
      positional.add(e.eval(r, s));
    }
    if (a.star() != null) {
      positional.addAll(Py.iterate(a.star().eval(r, s)));
    }
    LinkedHashMap<String, Object> keywords = new LinkedHashMap<>();
    for (int i = 0; i < a.names().size(); i++) {
      keywords.put(a.names().get(i), a.values().get(i).eval(r, s));
    }
    if (a.starStar() != null) {
      Object more = a.starStar().eval(r, s);
      if (!(more instanceof PyDict d)) {
        throw TemplateError.runtime("argument after ** must be a mapping, not "
            + Py.typeName(more));
      }
      for (Object[] e : d.entries()) {
        if (!(e[0] instanceof String key)) {
          throw TemplateError.runtime("keywords must be strings");
        }
        keywords.put(key, e[1]);
      }
    }
    return new Args(positional, keywords);
  }

  Object filter(Ast.Filter node, Object value, Scope s) {
    return Filters.apply(node.name(), value, args(node.args(), s), r);
  }

  /** A filter chain whose innermost value is {@code seed} (filter and set blocks). */
  Object filterChain(Ast.Filter node, Object seed, Scope s) {
    Object value = node.value() == null ? seed
        : filterChain((Ast.Filter) node.value(), seed, s);
    return filter(node, value, s);
  }

  Object test(Ast.Test node, Scope s) {
    r.budget.step();
    Object value = node.value().eval(r, s);
    if (!Tests.exists(node.name())) {
      throw TemplateError.runtime("No test named '" + node.name() + "'.");
    }
    return Tests.apply(node.name(), value, args(node.args(), s), r);
  }

  Object unary(Ast.Unary node, Scope s) {
    r.budget.step();
    Object v = node.operand().eval(r, s);
    return switch (node.op()) {
      case "not" -> !Py.truthy(v);
      case "-" -> PyOps.negate(v);
      default -> PyOps.plus(v);
    };
  }

  Object binary(Ast.Binary node, Scope s) {
    r.budget.step();
    Object left = node.left().eval(r, s);
    if (node.op().equals("and")) {
      return Py.truthy(left) ? node.right().eval(r, s) : left;
    }
    if (node.op().equals("or")) {
      return Py.truthy(left) ? left : node.right().eval(r, s);
    }
    return ops.apply(node.op(), left, node.right().eval(r, s));
  }

  Object compare(Ast.Compare node, Scope s) {
    r.budget.step();
    Object left = node.first().eval(r, s);
    for (int i = 0; i < node.ops().size(); i++) {
      Object right = node.operands().get(i).eval(r, s);
      String op = node.ops().get(i);
      boolean holds = switch (op) {
        case "==" -> Py.eq(left, right);
        case "!=" -> !Py.eq(left, right);
        case "in" -> Py.contains(right, left);
        case "notin" -> !Py.contains(right, left);
        case "<" -> Py.compare(left, right, op) < 0;
        case "<=" -> Py.compare(left, right, op) <= 0;
        case ">" -> Py.compare(left, right, op) > 0;
        default -> Py.compare(left, right, op) >= 0;
      };
      if (!holds) {
        return false;
      }
      left = right;
    }
    return true;
  }

  Object concat(Ast.Concat node, Scope s) {
    r.budget.step();
    StringBuilder out = new StringBuilder();
    for (Expr e : node.parts()) {
      String part = r.str(e.eval(r, s));
      r.budget.chars((long) out.length() + part.length());
      out.append(part);
    }
    return out.toString();
  }

  Object conditional(Ast.CondExpr node, Scope s) {
    r.budget.step();
    if (Py.truthy(node.test().eval(r, s))) {
      return node.then().eval(r, s);
    }
    return node.otherwise() != null ? node.otherwise().eval(r, s)
        : Undefined.hint("the inline if-expression on line " + node.line()
            + " evaluated to false and no else section was defined.");
  }
}
