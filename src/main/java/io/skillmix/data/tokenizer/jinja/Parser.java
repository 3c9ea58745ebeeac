package io.skillmix.data.tokenizer.jinja;

import io.skillmix.data.tokenizer.jinja.Ast.Expr;
import io.skillmix.data.tokenizer.jinja.Ast.Stmt;
import io.skillmix.data.tokenizer.jinja.Ast.Target;
import io.skillmix.data.tokenizer.jinja.Token.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Jinja2's statement grammar ({@code jinja2/parser.py}) for the tags Hugging Face's environment
 * has: if, for, set, macro, call, filter, with, print, the loopcontrols {@code break} and {@code
 * continue}, and {@code generation}. Tags that read other templates ({@code include}, {@code
 * import}, {@code from}, {@code extends}, {@code block}) are refused: a chat template may not
 * reach any file. {@code do} is not a tag there either.
 */
final class Parser {

  private static final Set<String> FILE_TAGS = Set.of("include", "import", "from", "extends",
      "block");

  private final TokenStream stream;
  private final ExprParser exprs;
  private final List<String> openTags = new ArrayList<>();
  private boolean hasGeneration;

  private Parser(List<Token> tokens) {
    this.stream = new TokenStream(tokens);
    this.exprs = new ExprParser(stream);
  }

  /** The statements of {@code source}, and whether it has {@code {% generation %}} blocks. */
  record Parsed(List<Stmt> body, boolean hasGeneration) {}

  static Parsed parse(String source) {
    if (source.length() > Limits.SOURCE_CHARS) {
      throw new TemplateError(TemplateError.Kind.BOUND, "its source has " + Limits.count(
          source.length()) + " characters, more than " + Limits.count(Limits.SOURCE_CHARS), 0);
    }
    Parser p = new Parser(Lexer.tokenize(source));
    List<Stmt> body = p.subparse(null);
    return new Parsed(body, p.hasGeneration);
  }

  private List<Stmt> subparse(Set<String> endTokens) {
    List<Stmt> body = new ArrayList<>();
    List<Object> parts = new ArrayList<>();
    int partsLine = 0;
    while (!stream.current().is(Type.EOF)) {
      Token t = stream.current();
      if (t.is(Type.DATA)) {
        partsLine = parts.isEmpty() ? t.line() : partsLine;
        parts.add(t.text());
        stream.next();
      } else if (t.is(Type.VARIABLE_BEGIN)) {
        partsLine = parts.isEmpty() ? t.line() : partsLine;
        stream.next();
        parts.add(exprs.tuple(false, true, Set.of(), false));
        stream.expect(Type.VARIABLE_END, "end of print statement");
      } else {
        flush(body, parts, partsLine);
        stream.next();
        Token name = stream.current();
        if (endTokens != null && name.is(Type.NAME) && endTokens.contains(name.text())) {
          return body;
        }
        body.add(statement());
        stream.expect(Type.BLOCK_END, "end of statement block");
      }
    }
    flush(body, parts, partsLine);
    return body;
  }

  private static void flush(List<Stmt> body, List<Object> parts, int line) {
    if (!parts.isEmpty()) {
      body.add(new Ast.Output(List.copyOf(parts), line));
      parts.clear();
    }
  }

  /** The body up to one of {@code endTokens}; with {@code dropNeedle} the end tag is consumed. */
  private List<Stmt> statements(Set<String> endTokens, boolean dropNeedle) {
    stream.skipOp(":");
    stream.expect(Type.BLOCK_END, "end of statement block");
    stream.enter();
    List<Stmt> body = subparse(endTokens);
    stream.exit();
    if (stream.current().is(Type.EOF)) {
      throw stream.fail("Unexpected end of template. Jinja was looking for the following tags: "
          + String.join(" or ", endTokens.stream().sorted().map(s -> "'" + s + "'").toList())
          + ". The innermost block that needs to be closed is '"
          + openTags.get(openTags.size() - 1) + "'.");
    }
    if (dropNeedle) {
      stream.next();
    }
    return body;
  }

  private Stmt statement() {
    Token t = stream.current();
    if (!t.is(Type.NAME)) {
      throw stream.fail("tag name expected");
    }
    String tag = t.text();
    if (FILE_TAGS.contains(tag)) {
      throw new TemplateError(TemplateError.Kind.REFUSED, "'" + tag + "' is not allowed in a"
          + " chat template: a template may not read other templates or files", t.line());
    }
    openTags.add(tag);
    try {
      stream.next();
      return switch (tag) {
        case "if" -> ifStatement(t.line());
        case "for" -> forStatement(t.line());
        case "set" -> set(t.line());
        case "macro" -> macro(t.line());
        case "call" -> callBlock(t.line());
        case "filter" -> new Ast.FilterBlock(exprs.filter(null, true),
            statements(Set.of("endfilter"), true), t.line());
        case "with" -> with(t.line());
        case "print" -> print(t.line());
        case "break", "continue" -> new Ast.LoopControl(tag.equals("break"), t.line());
        case "generation" -> {
          hasGeneration = true;
          yield new Ast.Generation(statements(Set.of("endgeneration"), true), t.line());
        }
        default -> throw TemplateError.syntax("Encountered unknown tag '" + tag + "'."
            + (tag.equals("do") ? " (Hugging Face's chat templates have no 'do' tag.)" : ""),
            t.line());
      };
    } finally {
      openTags.remove(openTags.size() - 1);
    }
  }

  private Stmt ifStatement(int line) {
    List<Expr> tests = new ArrayList<>();
    List<List<Stmt>> bodies = new ArrayList<>();
    List<Stmt> otherwise = List.of();
    while (true) {
      tests.add(exprs.tuple(false, false, Set.of(), false));
      bodies.add(statements(Set.of("elif", "else", "endif"), false));
      Token end = stream.next();
      if (end.isName("elif")) {
        continue;
      }
      if (end.isName("else")) {
        otherwise = statements(Set.of("endif"), true);
      }
      return new Ast.If(tests, bodies, otherwise, line);
    }
  }

  private Stmt forStatement(int line) {
    Target target = target(Set.of("in"), false);
    stream.expectName("in");
    Expr iterable = exprs.tuple(false, false, Set.of("recursive"), false);
    Expr filter = stream.skipName("if") ? exprs.expression() : null;
    boolean recursive = stream.skipName("recursive");
    List<Stmt> body = statements(Set.of("endfor", "else"), false);
    List<Stmt> otherwise = stream.next().isName("endfor") ? List.of()
        : statements(Set.of("endfor"), true);
    return new Ast.For(target, iterable, filter, recursive, body, otherwise, line);
  }

  private Stmt set(int line) {
    Target target = target(Set.of(), true);
    if (stream.skipOp("=")) {
      return new Ast.Set(target, exprs.tuple(false, true, Set.of(), false), line);
    }
    Ast.Filter filter = exprs.filter(null, false);
    return new Ast.SetBlock(target, filter, statements(Set.of("endset"), true), line);
  }

  private Stmt macro(int line) {
    String name = stream.expect(Type.NAME, "name").text();
    return signatureAndBody(name, "endmacro", line);
  }

  private Ast.MacroDef signatureAndBody(String name, String end, int line) {
    List<String> params = new ArrayList<>();
    List<Expr> defaults = new ArrayList<>();
    stream.expectOp("(");
    while (!stream.current().isOp(")")) {
      if (!params.isEmpty()) {
        stream.expectOp(",");
      }
      params.add(stream.expect(Type.NAME, "name").text());
      if (stream.skipOp("=")) {
        defaults.add(exprs.expression());
      } else if (!defaults.isEmpty()) {
        throw stream.fail("non-default argument follows default argument");
      }
    }
    stream.expectOp(")");
    return macroBody(name, params, defaults, end, line);
  }

  private Ast.MacroDef macroBody(String name, List<String> params, List<Expr> defaults,
      String end, int line) {
    int from = stream.namesRead.size();
    List<Stmt> body = statements(Set.of(end), true);
    List<String> used = stream.namesRead.subList(from, stream.namesRead.size());
    return new Ast.MacroDef(name, List.copyOf(params), List.copyOf(defaults), body,
        used.contains("varargs"), used.contains("kwargs"), used.contains("caller"), line);
  }

  /** {@code {% call(params) m(args) %}body{% endcall %}}: the body becomes {@code caller}. */
  private Stmt callBlock(int line) {
    List<String> params = new ArrayList<>();
    List<Expr> defaults = new ArrayList<>();
    if (stream.current().isOp("(")) {
      stream.next();
      while (!stream.current().isOp(")")) {
        if (!params.isEmpty()) {
          stream.expectOp(",");
        }
        params.add(stream.expect(Type.NAME, "name").text());
        if (stream.skipOp("=")) {
          defaults.add(exprs.expression());
        }
      }
      stream.expectOp(")");
    }
    Expr call = exprs.expression();
    if (!(call instanceof Ast.Call c)) {
      throw TemplateError.syntax("expected call", line);
    }
    return new Ast.CallBlock(macroBody("caller", params, defaults, "endcall", line), c, line);
  }

  private Stmt with(int line) {
    List<Target> targets = new ArrayList<>();
    List<Expr> values = new ArrayList<>();
    while (!stream.current().is(Type.BLOCK_END)) {
      if (!targets.isEmpty()) {
        stream.expectOp(",");
      }
      targets.add(target(Set.of(), false));
      stream.expectOp("=");
      values.add(exprs.expression());
    }
    return new Ast.With(targets, values, statements(Set.of("endwith"), true), line);
  }

  private Stmt print(int line) {
    List<Object> parts = new ArrayList<>();
    while (!stream.current().is(Type.BLOCK_END)) {
      if (!parts.isEmpty()) {
        stream.expectOp(",");
      }
      parts.add(exprs.expression());
    }
    return new Ast.Output(parts, line);
  }

  /** An assignment target: a name, {@code ns.attr} (with {@code namespace}), or a tuple of names. */
  private Target target(Set<String> extraEnd, boolean withNamespace) {
    List<Target> items = new ArrayList<>();
    boolean isTuple = false;
    while (true) {
      if (!items.isEmpty()) {
        stream.expectOp(",");
      }
      if (exprs.tupleEnd(extraEnd) || stream.current().isOp("=")) {
        break;
      }
      items.add(single(withNamespace));
      if (stream.current().isOp(",")) {
        isTuple = true;
      } else {
        break;
      }
    }
    if (items.isEmpty()) {
      throw stream.fail("Expected an expression, got '" + stream.current().describe() + "'");
    }
    return isTuple ? new Ast.TupleTarget(items) : items.get(0);
  }

  private Target single(boolean withNamespace) {
    Token t = stream.current();
    if (t.isOp("(")) {
      stream.next();
      Target inner = target(Set.of(), false);
      stream.expectOp(")");
      return inner;
    }
    if (!t.is(Type.NAME) || Set.of("true", "false", "True", "False", "none", "None")
        .contains(t.text())) {
      throw stream.fail("can't assign to '" + t.describe() + "'");
    }
    stream.next();
    if (withNamespace && stream.skipOp(".")) {
      return new Ast.NsTarget(t.text(), stream.expect(Type.NAME, "name").text());
    }
    return new Ast.NameTarget(t.text());
  }
}
