package io.skillmix.data.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.UserError;
import io.skillmix.data.Conversation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A chat template is untrusted code from a download (issue 33, B1-B3, C1, C2, D6): whatever it
 * does, a rendering ends soon, within bounded memory, reads no file and calls no Java method, and a
 * template that breaks a bound or reaches for a file is refused in one line naming its file.
 * Jinjava ran out of heap on B1, looped for minutes on B2, overflowed its stack on B3, put
 * classpath files into the rendered text on C1 and ran Java methods on C2.
 */
class TemplateSafetyTest {

  private static final Path FILE = Path.of("DIR/chat_template.jinja");
  private static final Conversation CHAT = Conversation.of("q", "a");

  private static JinjaChatTemplate template(String text) {
    return JinjaChatTemplate.of(TemplateSource.of(text, FILE, Map.of("eos_token", "</s>")));
  }

  /** Rendering {@code text} is refused in one line that names the file and {@code mentions}. */
  private static void refusedWhenRendered(String text, String... mentions) {
    UserError e = assertThrows(UserError.class, () -> template(text).render(CHAT), text);
    oneLine(e, mentions);
  }

  /** Loading {@code text} is refused, before any example, in one line. */
  private static void refusedWhenLoaded(String text, String... mentions) {
    UserError e = assertThrows(UserError.class, () -> template(text), text);
    oneLine(e, mentions);
  }

  private static void oneLine(UserError e, String... mentions) {
    String m = e.getMessage();
    assertTrue(m.startsWith(FILE + ": "), m);
    assertFalse(m.contains("\n"), m);
    for (String mention : mentions) {
      assertTrue(m.contains(mention), "expected '" + mention + "' in: " + m);
    }
  }

  @Test
  void hugeStringsAreRefusedBeforeTheyAreMade() {
    // B1: 'a'.repeat(...) is a Java method, not Python's: it does not exist here.
    refusedWhenRendered("{{ 'a'.repeat(2000000000) }}", "has no attribute 'repeat'");
    refusedWhenRendered("{{ 'a' * 2000000000 }}", "bound", "2,000,000,000 characters");
    StringBuilder doubling = new StringBuilder("{% set s = 'ab' %}");
    doubling.append("{% set s = s ~ s %}".repeat(40)).append("{{ s|length }}");
    refusedWhenRendered(doubling.toString(), "bound", "characters");
    refusedWhenRendered("{{ ['x'] * 2000000000 }}", "bound", "items");
    refusedWhenRendered("{% set l = ['x' * 1000000] * 100000 %}{{ l }}", "bound");
  }

  @Test
  void loopsWithoutEndStopAtTheStepBound() {
    // B2: three nested range(1000) loops are 10^9 iterations.
    refusedWhenRendered("{% for i in range(1000) %}{% for j in range(1000) %}"
        + "{% for k in range(1000) %}{% endfor %}{% endfor %}{% endfor %}", "bound",
        "2,000,000 evaluation steps");
    refusedWhenRendered("{{ range(1000000)|list }}", "Range too big");
    refusedWhenRendered("{% for x in range(100000) %}{{ x }}{{ 'y' * 1000 }}{% endfor %}",
        "bound");
  }

  @Test
  void recursionAndSelfReferenceEndAtTheDepthBound() {
    // B3: {% do %} is no tag of Hugging Face's templates, and update() would change a dict.
    refusedWhenLoaded("{% set d = {} %}{% do d.update({'a': d}) %}{{ d }}", "unknown tag 'do'");
    refusedWhenRendered("{% set d = {} %}{{ d.update({'a': d}) }}{{ d }}", "unsafe");
    refusedWhenRendered("{% set ns = namespace() %}{% set ns.me = ns %}{{ ns }}", "bound",
        "nests deeper");
    refusedWhenRendered("{% set ns = namespace() %}{% set ns.me = ns %}{{ ns|tojson }}",
        "not JSON serializable");
    refusedWhenRendered("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", "bound",
        "nest deeper than 64");
    refusedWhenRendered("{% set ns = namespace(l=[]) %}{% for i in range(100) %}"
        + "{% set ns.l = [ns.l] %}{% endfor %}{{ ns.l }}", "bound", "nests deeper");
    refusedWhenLoaded("{{ " + "(".repeat(5000) + "1" + ")".repeat(5000) + " }}", "bound");
    refusedWhenLoaded("{% if true %}".repeat(500) + "{% endif %}".repeat(500), "bound");
  }

  @Test
  void includeAndImportResolveNothing() {
    // C1: Jinjava read these from the classpath into the rendered, trained text. D6: a missing
    // one was an internal error.
    for (String tag : new String[] {"{% include 'reference.conf' %}",
        "{% include 'META-INF/MANIFEST.MF' %}", "{% include 'io/skillmix/cli/Main.class' %}",
        "{% import 'reference.conf' as r %}", "{% from 'reference.conf' import x %}",
        "{% extends 'reference.conf' %}", "{% include 'no/such/template.jinja' %}"}) {
      refusedWhenLoaded("{% for m in messages %}{{ m.content }}{% endfor %}" + tag,
          "is not allowed in a chat template");
    }
  }

  @Test
  void noJavaMethodIsReachableAndMessagesCannotBeChanged() {
    // C2: Jinjava ran public Java methods on what it was given.
    refusedWhenRendered("{{ 'abc'.toUpperCase() }}", "'str object' has no attribute"
        + " 'toUpperCase'");
    refusedWhenRendered("{{ messages.getClass().forName('java.lang.Runtime') }}",
        "'list object' has no attribute 'getClass'");
    refusedWhenRendered("{{ ''.__class__.__mro__ }}", "unsafe");
    for (String change : new String[] {"messages.clear()", "messages.append(1)",
        "messages.pop()", "messages[0].update({'content': 'x'})", "messages.sort()",
        "messages[0].clear()"}) {
      refusedWhenRendered("{{ " + change + " }}{% for m in messages %}{{ m.content }}{% endfor %}",
          "is unsafe");
    }
    // What templates do call is Python's: these work.
    assertEquals("QA", template("{% for m in messages %}{{ m.content.upper() }}{% endfor %}")
        .render(CHAT));
  }

  @Test
  void aBrokenTemplateInAModelFolderIsOneLineWhenTheTemplateIsResolved(@TempDir Path dir)
      throws IOException {
    Files.writeString(dir.resolve("chat_template.jinja"), "{% include 'missing.jinja' %}");
    UserError e = assertThrows(UserError.class, () -> ChatTemplate.resolve("auto", dir));
    assertTrue(e.getMessage().startsWith(dir.resolve("chat_template.jinja") + ": "),
        e.getMessage());
    assertTrue(e.getMessage().contains("'include' is not allowed"), e.getMessage());
  }
}
