package io.skillmix.data.tokenizer;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jinjava.javax.el.CompositeELResolver;

/**
 * Jinjava set up to render Hugging Face chat templates as {@code apply_chat_template} does with
 * Jinja2: {@code trim_blocks} and {@code lstrip_blocks}, whitespace control on expressions,
 * natural operator precedence, lenient undefined values, the globals {@code raise_exception} and
 * {@code strftime_now}, a Python-style {@code tojson}, Python string methods ({@link PyStrings}),
 * and the {@code {% generation %}} block that marks trained text.
 *
 * <p>Where Jinjava's parser differs from Jinja2, {@link #prepare} rewrites the source first:
 * {@code x[::-1]} becomes {@code x|reverse|list}, and keyword arguments of {@code namespace(...)}
 * are parenthesised ({@code namespace(i=messages|length - 1)} otherwise parses as {@code (i =
 * messages|length) - 1}).
 */
final class JinjaEngine {

  /** Brackets of {@code {% generation %}} output; Unicode noncharacters, never in real text. */
  static final char GENERATION_START = '\uFDD0';
  static final char GENERATION_END = '\uFDD1';

  private static final Pattern KEYWORD_ARGUMENT =
      Pattern.compile("^(\\s*[A-Za-z_][A-Za-z0-9_]*\\s*)=(?!=)(.*)$", Pattern.DOTALL);

  private static final Jinjava JINJAVA = create();

  private JinjaEngine() {}

  /** A template failed: it raised, or Jinjava could not evaluate it. */
  static final class Failure extends RuntimeException {
    Failure(String message) {
      super(message);
    }
  }

  /** What {@code raise_exception(message)} throws. */
  static final class Raised extends RuntimeException {
    Raised(String message) {
      super(message);
    }
  }

  /**
   * A prepared template, parsed once per thread: Jinjava's parse is most of a render's cost, and
   * its trees are not documented as safe to share between threads.
   */
  static final class Compiled {
    private final String source;
    private final ThreadLocal<Node> tree;

    Compiled(String source) {
      this.source = prepare(source);
      this.tree = ThreadLocal.withInitial(this::parse);
    }

    private Node parse() {
      JinjavaInterpreter interpreter = JINJAVA.newInterpreter();
      JinjavaInterpreter.pushCurrent(interpreter);
      try {
        Node node = interpreter.parse(source);
        failOnFatal(interpreter.getErrors());
        return node;
      } finally {
        JinjavaInterpreter.popCurrent();
      }
    }

    /** Renders with {@code bindings}; throws {@link Failure}. */
    String render(Map<String, Object> bindings) {
      Node node = tree.get();
      Context context = new Context(JINJAVA.getGlobalContext(), bindings);
      JinjavaInterpreter interpreter =
          new JinjavaInterpreter(JINJAVA, context, JINJAVA.getGlobalConfig());
      JinjavaInterpreter.pushCurrent(interpreter);
      try {
        String out = interpreter.render(node);
        failOnFatal(interpreter.getErrors());
        return out;
      } finally {
        JinjavaInterpreter.popCurrent();
      }
    }
  }

  private static void failOnFatal(List<TemplateError> errors) {
    for (TemplateError e : errors) {
      if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
        throw new Failure(describe(e));
      }
    }
  }

  /** Source rewrites for Jinja2 syntax that Jinjava parses differently (see the class comment). */
  static String prepare(String source) {
    String s = source.replace("[::-1]", "|reverse|list");
    StringBuilder out = new StringBuilder(s.length() + 16);
    int from = 0;
    for (int at = s.indexOf("namespace(", from); at >= 0; at = s.indexOf("namespace(", from)) {
      int open = at + "namespace".length();
      int close = matchingParen(s, open);
      if (close < 0) {
        break;
      }
      out.append(s, from, open + 1);
      out.append(parenthesiseKeywordValues(s.substring(open + 1, close)));
      out.append(')');
      from = close + 1;
    }
    return out.append(s.substring(from)).toString();
  }

  private static String describe(TemplateError e) {
    for (Throwable t = e.getException(); t != null; t = t.getCause()) {
      if (t instanceof Raised r) {
        return "the template raised an exception: " + r.getMessage();
      }
    }
    String where = e.getLineno() > 0 ? " (template line " + e.getLineno() + ")" : "";
    return "the template failed: " + e.getMessage() + where;
  }

  /** Sees each character outside string literals, with the bracket depth after it. */
  private interface Visitor {
    /** True to stop the walk at {@code i}. */
    boolean visit(int i, char c, int depth);
  }

  /** Walks {@code s} from {@code from}, skipping quoted strings; the index it stopped at, or -1. */
  private static int walk(String s, int from, Visitor visitor) {
    int depth = 0;
    char quote = 0;
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
        continue;
      }
      if (c == '\'' || c == '"') {
        quote = c;
        continue;
      }
      if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        depth--;
      }
      if (visitor.visit(i, c, depth)) {
        return i;
      }
    }
    return -1;
  }

  private static int matchingParen(String s, int open) {
    int close = walk(s, open, (i, c, depth) -> depth == 0);
    return close >= 0 && s.charAt(close) == ')' ? close : -1;
  }

  /** {@code a=x|f - 1, b=2} becomes {@code a=(x|f - 1), b=(2)}. */
  private static String parenthesiseKeywordValues(String args) {
    List<Integer> commas = new ArrayList<>();
    walk(args, 0, (i, c, depth) -> {
      if (c == ',' && depth == 0) {
        commas.add(i);
      }
      return false;
    });
    commas.add(args.length());
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int comma : commas) {
      String part = args.substring(start, comma);
      Matcher m = KEYWORD_ARGUMENT.matcher(part);
      out.add(m.matches() ? m.group(1) + "=(" + m.group(2) + ")" : part);
      start = comma + 1;
    }
    return String.join(",", out);
  }

  // ---------------------------------------------------------------- set-up

  private static Jinjava create() {
    CompositeELResolver resolver = new CompositeELResolver();
    resolver.add(new PyStrings());
    resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_WRITE);
    JinjavaConfig config = JinjavaConfig.newBuilder()
        .withTrimBlocks(true)
        .withLstripBlocks(true)
        .withFailOnUnknownTokens(false)
        .withElResolver(resolver)
        .withLegacyOverrides(LegacyOverrides.newBuilder()
            .withUseTrimmingForNotesAndExpressions(true)
            .withParseWhitespaceControlStrictly(true)
            .withUseNaturalOperatorPrecedence(true)
            .build())
        .build();
    Jinjava jinjava = new Jinjava(config);
    jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
        JinjaEngine.class, "raiseException", Object.class));
    jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "strftime_now",
        JinjaEngine.class, "strftimeNow", String.class));
    jinjava.getGlobalContext().registerFilter(new ToJson());
    jinjava.getGlobalContext().registerTag(new GenerationTag());
    jinjava.getGlobalContext().registerExpTest(new IsIterable());
    return jinjava;
  }

  /** {@code raise_exception(message)}: the template refuses its input. */
  public static Object raiseException(Object message) {
    throw new Raised(String.valueOf(message));
  }

  /** {@code strftime_now(format)}: the local time in a Python {@code strftime} format. */
  public static String strftimeNow(String format) {
    return Strftime.format(LocalDateTime.now(), format);
  }

  /** Python's {@code json.dumps} as Hugging Face's {@code tojson} calls it. */
  private static final class ToJson implements Filter {
    @Override
    public String getName() {
      return "tojson";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
      return PyJson.dumps(var, null, false);
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args,
        Map<String, Object> kwargs) {
      Object indent = kwargs.containsKey("indent") ? kwargs.get("indent")
          : args.length > 0 ? args[0] : null;
      boolean sortKeys = Boolean.TRUE.equals(kwargs.get("sort_keys"));
      return PyJson.dumps(var, indent == null ? null : ((Number) indent).intValue(), sortKeys);
    }
  }

  /** Python's {@code is iterable}: true for strings too (Jinjava's own says false). */
  private static final class IsIterable implements ExpTest {
    @Override
    public String getName() {
      return "iterable";
    }

    @Override
    public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
      return var instanceof CharSequence || var instanceof Iterable<?> || var instanceof Map<?, ?>
          || (var != null && var.getClass().isArray());
    }
  }

  /** {@code {% generation %}...{% endgeneration %}}: its output bracketed for the mask. */
  private static final class GenerationTag implements Tag {
    private static final long serialVersionUID = 1L;

    @Override
    public String getName() {
      return "generation";
    }

    @Override
    public String getEndTagName() {
      return "endgeneration";
    }

    @Override
    public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
      StringBuilder out = new StringBuilder().append(GENERATION_START);
      for (Node child : tagNode.getChildren()) {
        out.append(child.render(interpreter).getValue());
      }
      return out.append(GENERATION_END).toString();
    }
  }
}
