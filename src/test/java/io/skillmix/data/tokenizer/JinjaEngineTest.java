package io.skillmix.data.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.UserError;
import io.skillmix.data.Conversation;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Python-isms chat templates use, with Jinja2's results (checked with Python's jinja2 3.1;
 * {@link JinjaAgainstPythonTest} compares many more with Python itself).
 */
class JinjaEngineTest {

  private static String render(String template) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("a", 1);
    d.put("b", List.of(1, "é\"\n"));
    Map<String, Object> bindings = new LinkedHashMap<>();
    bindings.put("xs", List.of(1, 2, 3));
    bindings.put("d", d);
    bindings.put("s", "\n<think>x</think>\n");
    return io.skillmix.data.tokenizer.jinja.JinjaTemplate.compile(template).render(bindings);
  }

  @Test
  void pythonStringMethods() {
    // Java's split drops trailing empty parts; Python's keeps them.
    assertEquals("2", render("{{ 'a</think>'.split('</think>') | length }}"));
    assertEquals("x", render("{{ s.split('</think>')[0].split('<think>')[-1] }}"));
    assertEquals("<think>x</think>", render("{{ s.strip('\\n') }}"));
    assertEquals("<think>x</think>\n|\n<think>x</think>",
        render("{{ s.lstrip('\\n') }}|{{ s.rstrip('\\n') }}"));
    assertEquals("TrueFalse", render("{% if s.startswith('\\n<') %}True{% endif %}"
        + "{% if not s.endswith('<') %}False{% endif %}"));
    assertEquals("AB|Hello World|a,b", render("{{ 'ab'.upper() }}|{{ 'hello world'.title() }}"
        + "|{{ ','.join(['a', 'b']) }}"));
  }

  @Test
  void loopControlsNamespaceAndSlices() {
    assertEquals("1", render("{% for x in xs %}{% if x == 2 %}{% break %}{% endif %}{{ x }}"
        + "{% endfor %}"));
    assertEquals("13", render("{% for x in xs %}{% if x == 2 %}{% continue %}{% endif %}{{ x }}"
        + "{% endfor %}"));
    // A keyword argument takes the whole expression: n = (xs|length - 1).
    assertEquals("2|5", render("{% set ns = namespace(n=xs|length - 1, m=0) %}{{ ns.n }}|"
        + "{% for x in xs %}{% set ns.m = ns.m + x %}{% endfor %}{{ ns.m - 1 }}"));
    assertEquals("3,2,1|2,3", render("{{ xs[::-1] | join(',') }}|{{ xs[1:] | join(',') }}"));
    assertEquals("a=1;b=2;", render("{% for k, v in d.items() %}{{ k }}={{ v | length if v is"
        + " iterable else v }};{% endfor %}"));
    assertEquals("yes", render("{% if s is iterable and s is string and x is not defined %}yes"
        + "{% endif %}"));
  }

  @Test
  void trimBlocksAndLstripBlocksAsHuggingFaceSetsThem() {
    assertEquals("a\nb\n", render("{% for x in ['a', 'b'] %}\n    {{ x }}\n{% endfor %}"
        .replace("    {{", "{{")));
    assertEquals("ab", render("{%- for x in ['a', 'b'] %}\n    {{- x }}\n{%- endfor %}"));
  }

  @Test
  void tojsonWritesAsPythonsJsonDumps() {
    // Hugging Face's tojson is json.dumps(ensure_ascii=False), not Jinja2's HTML-safe one.
    assertEquals("{\"a\": 1, \"b\": [1, \"é\\\"\\n\"]}", render("{{ d | tojson }}"));
    assertEquals("{\n  \"a\": 1,\n  \"b\": [\n    1,\n    \"é\\\"\\n\"\n  ]\n}",
        render("{{ d | tojson(indent=2) }}"));
  }

  @Test
  void strftimeNowIsTheLocalDate() {
    LocalDate before = LocalDate.now();
    String year = render("{{ strftime_now('%Y') }}");
    assertTrue(year.equals(String.valueOf(before.getYear()))
        || year.equals(String.valueOf(LocalDate.now().getYear())), year);
    assertEquals(5, render("{{ strftime_now('%d %b') }}").split(" ")[1].length() + 2);
  }

  @Test
  void raisingAndBrokenTemplatesAreOneLineNamingTheFile() {
    JinjaChatTemplate raising = JinjaChatTemplate.of(TemplateSource.of(
        "{{ raise_exception('No answers here') }}", Path.of("DIR/chat_template.jinja"), Map.of()));
    UserError e = assertThrows(UserError.class, () -> raising.render(Conversation.of("q", "a")));
    assertEquals("DIR/chat_template.jinja: the template raised an exception: No answers here;"
        + " example starting user \"q\" (2 turns)", e.getMessage());
    // A template that does not parse is refused when it is loaded, before any example.
    e = assertThrows(UserError.class, () -> JinjaChatTemplate.of(TemplateSource.of(
        "{% for m in messages %}{{ m.content }}", Path.of("DIR/tokenizer_config.json"), Map.of())));
    assertTrue(e.getMessage().startsWith("DIR/tokenizer_config.json: the template failed: "),
        e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), e.getMessage());
  }
}
