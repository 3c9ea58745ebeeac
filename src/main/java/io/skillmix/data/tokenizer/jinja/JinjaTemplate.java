package io.skillmix.data.tokenizer.jinja;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A chat template compiled by skillmix's own sandboxed Jinja2 interpreter: the subset of Jinja2
 * that Hugging Face's {@code apply_chat_template} offers (an {@code ImmutableSandboxedEnvironment}
 * with {@code trim_blocks}, {@code lstrip_blocks}, loop controls, the {@code {% generation %}}
 * block, {@code raise_exception}, {@code strftime_now} and its own {@code tojson}), rendered to the
 * same text as Python's Jinja2.
 *
 * <p>A chat template is untrusted code from a download, and a conversation is data:
 *
 * <ul>
 *   <li>the template is the only source ever parsed; values (message content, a system prompt)
 *       are printed as text and never interpreted again;
 *   <li>values are plain data: strings, numbers, booleans, None, immutable lists and dicts,
 *       namespaces, loops and macros; attributes are Python's string, list and dict methods that
 *       change nothing; no Java object, method or class is reachable;
 *   <li>nothing reads a file or the environment: {@code include}, {@code import}, {@code extends}
 *       are refused when the template is compiled;
 *   <li>a rendering is bounded in steps, output, sizes and nesting ({@link Limits}).
 * </ul>
 *
 * <p>A compiled template is immutable: it renders on any number of threads at once.
 */
public final class JinjaTemplate {

  /** Brackets of {@code {% generation %}} output; Unicode noncharacters, never in real text. */
  public static final char GENERATION_START = '\uFDD0';
  public static final char GENERATION_END = '\uFDD1';

  private final List<Ast.Stmt> body;
  private final boolean hasGeneration;

  private JinjaTemplate(Parser.Parsed parsed) {
    this.body = parsed.body();
    this.hasGeneration = parsed.hasGeneration();
  }

  /** Parses {@code source}; throws {@link TemplateError} when Jinja2 would not compile it. */
  public static JinjaTemplate compile(String source) {
    try {
      return new JinjaTemplate(Parser.parse(source));
    } catch (StackOverflowError e) {
      throw new TemplateError(TemplateError.Kind.BOUND, "it nests too deeply to parse", 0);
    }
  }

  /** Whether the template marks trained text with {@code {% generation %}} blocks. */
  public boolean hasGenerationBlocks() {
    return hasGeneration;
  }

  /**
   * Renders with {@code bindings}: Java strings, numbers, booleans, null, lists and maps (copied
   * into immutable template values). Throws {@link TemplateError}.
   */
  public String render(Map<String, ?> bindings) {
    long[] size = new long[2]; // characters, items
    Scope top = Globals.scope().child();
    for (Map.Entry<String, ?> e : bindings.entrySet()) {
      top.set(e.getKey(), toValue(e.getValue(), size, 0));
    }
    Renderer renderer = new Renderer(Limits.forInput(size[0], size[1]));
    return renderer.render(body, top);
  }

  private static Object toValue(Object v, long[] size, int depth) {
    if (depth > Limits.DEPTH) {
      throw TemplateError.bound("its input nests deeper than " + Limits.DEPTH + " levels");
    }
    if (v == null || v instanceof Boolean || v instanceof Long || v instanceof Double) {
      return v;
    } else if (v instanceof String s) {
      size[0] += s.length();
      return s;
    } else if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    } else if (v instanceof Float f) {
      return f.doubleValue();
    } else if (v instanceof Map<?, ?> m) {
      PyDict.Builder d = new PyDict.Builder();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        d.put(toValue(e.getKey(), size, depth + 1), toValue(e.getValue(), size, depth + 1));
      }
      size[1] += m.size();
      return d.build();
    } else if (v instanceof Collection<?> c) {
      List<Object> items = new ArrayList<>(c.size());
      for (Object x : c) {
        items.add(toValue(x, size, depth + 1));
      }
      size[1] += c.size();
      return PyList.of(items);
    }
    throw new IllegalArgumentException("not a template value: " + v.getClass().getName());
  }
}
