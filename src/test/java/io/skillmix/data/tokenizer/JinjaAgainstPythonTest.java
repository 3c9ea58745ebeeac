package io.skillmix.data.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.skillmix.UserError;
import io.skillmix.data.Role;
import io.skillmix.data.Turn;
import io.skillmix.data.tokenizer.jinja.JinjaTemplate;
import io.skillmix.data.tokenizer.jinja.TemplateError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Python's Jinja2 set up as Hugging Face's apply_chat_template (scripts/jinja2-render.py) against
 * skillmix's own interpreter: every test template over the conversations below, with and without
 * the generation prompt, through {@link JinjaChatTemplate}; and 130 snippets of the language
 * (test resource jinja/snippets.json: whitespace control, operators, printing, loops, scoping,
 * macros, filters, tests, undefined values, and errors) through {@link JinjaTemplate}. The texts
 * are the same, and so are the failures (the message of a runtime failure included). Runs where
 * python3 has jinja2; skipped elsewhere.
 */
class JinjaAgainstPythonTest {

  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();
  private static final String U = "Grüße, 你好 😀 — ½ \"q\" \\ end";
  private static final List<List<String[]>> CONVERSATIONS = List.of(
      conv(t("user", "Hi")),
      conv(t("user", "Hi"), t("assistant", "Hello")),
      conv(t("system", "Be brief."), t("user", "Hi"), t("assistant", "Hello")),
      conv(t("user", "Q1"), t("assistant", "A1"), t("user", "Q2"), t("assistant", "A2")),
      conv(t("system", "S"), t("user", "Q1"), t("assistant", "A1"), t("user", "Q2"),
          t("assistant", "A2")),
      conv(t("system", "S"), t("user", "Q1"), t("assistant", "A1"), t("user", "Q2")),
      conv(t("user", U), t("assistant", "  " + U + "\n\n")),
      conv(t("user", "  padded  "), t("assistant", "\n<think>\nhmm\n</think>\n\n answer ")),
      conv(t("user", "Weather?"), t("tool", "sunny"), t("assistant", "Sunny.")),
      conv(t("user", "a"), t("user", "b")),
      conv(t("system", "")),
      conv(t("user", "Q1"), t("assistant", "<think>r1</think>A1"), t("user", "Q2"),
          t("assistant", "<think>\nr2\n</think>\n\nA2")),
      // Content that looks like template code is text: written as it is, never run.
      conv(t("user", "{{ messages }}"), t("assistant", "{% if true %}yes{% endif %}")),
      conv(t("system", "{{ 7*7 }}"), t("user", "A {{ 7*7 }} Z {# c #}"),
          t("assistant", "{{ x.getClass() }} {% include 'reference.conf' %} {%- raw -%}")));

  private static final Map<String, String[]> TEMPLATES = new LinkedHashMap<>();

  static {
    TEMPLATES.put("qwen2.5-instruct.jinja", new String[] {null, "<|im_end|>"});
    TEMPLATES.put("llama-3.1-instruct.jinja", new String[] {"<|begin_of_text|>", "<|eot_id|>"});
    TEMPLATES.put("mistral-7b-instruct-v0.3.jinja", new String[] {"<s>", "</s>"});
    TEMPLATES.put("gemma-2-it.jinja", new String[] {"<bos>", "<eos>"});
    TEMPLATES.put("phi-3.5-mini-instruct.jinja", new String[] {"<s>", "<|endoftext|>"});
    TEMPLATES.put("smollm2-instruct.jinja", new String[] {"<|im_start|>", "<|im_end|>"});
    TEMPLATES.put("qwen3.jinja", new String[] {null, "<|im_end|>"});
    TEMPLATES.put("gemma-training.jinja", new String[] {"<bos>", "<eos>"});
    TEMPLATES.put("phi-3.5-training.jinja", new String[] {"<s>", "<|endoftext|>"});
  }

  private static List<String[]> conv(String[]... turns) {
    return java.util.Arrays.asList(turns);
  }

  private static String[] t(String role, String content) {
    return new String[] {role, content};
  }

  @Test
  void rendersAsPythonJinja2Does(@TempDir Path dir) throws Exception {
    assumeTrue(hasPythonJinja2(), "python3 with jinja2 is not installed");
    List<Map<String, Object>> cases = new ArrayList<>();
    List<String> java = new ArrayList<>();
    Map<String, String[]> templates = new LinkedHashMap<>(TEMPLATES);
    // -Djinja.templates=DIR adds every DIR/*.jinja (with <s> and </s>): a local check of any
    // template against Python, for templates this repository does not ship
    String extra = System.getProperty("jinja.templates");
    if (extra != null) {
      try (var files = Files.list(Path.of(extra))) {
        files.filter(f -> f.toString().endsWith(".jinja")).sorted()
            .forEach(f -> templates.put(f.toString(), new String[] {"<s>", "</s>"}));
      }
    }
    for (Map.Entry<String, String[]> t : templates.entrySet()) {
      Path file = dir.resolve(Path.of(t.getKey()).getFileName().toString());
      String text = Path.of(t.getKey()).isAbsolute() ? Files.readString(Path.of(t.getKey()))
          : JinjaTemplatesTest.resource(t.getKey());
      Files.writeString(file, text, StandardCharsets.UTF_8);
      Map<String, String> tokens = t.getValue()[0] == null ? Map.of("eos_token", t.getValue()[1])
          : Map.of("bos_token", t.getValue()[0], "eos_token", t.getValue()[1]);
      JinjaChatTemplate template = JinjaChatTemplate.of(TemplateSource.of(text, file, tokens));
      for (List<String[]> conversation : CONVERSATIONS) {
        for (boolean generation : new boolean[] {false, true}) {
          Map<String, Object> c = new LinkedHashMap<>();
          c.put("template", file.toString());
          List<Map<String, String>> messages = new ArrayList<>();
          List<Turn> turns = new ArrayList<>();
          for (String[] m : conversation) {
            messages.add(Map.of("role", m[0], "content", m[1]));
            turns.add(new Turn(Role.valueOf(m[0].toUpperCase(Locale.ROOT)), m[1]));
          }
          c.put("messages", messages);
          c.put("add_generation_prompt", generation);
          c.put("eos_token", t.getValue()[1]);
          if (t.getValue()[0] != null) {
            c.put("bos_token", t.getValue()[0]);
          }
          cases.add(c);
          try {
            java.add(AssistantSpans.withoutMarks(template.renderMarked(turns, generation)));
          } catch (UserError e) {
            java.add("ERROR " + e.getMessage());
          }
        }
      }
    }
    Path casesFile = dir.resolve("cases.json");
    Files.writeString(casesFile, GSON.toJson(cases), StandardCharsets.UTF_8);
    JsonArray python = runPython(casesFile);
    assertEquals(cases.size(), python.size());
    for (int k = 0; k < cases.size(); k++) {
      JsonElement p = python.get(k);
      if (p.isJsonPrimitive()) {
        assertEquals(p.getAsString(), java.get(k), "case " + k + ": " + cases.get(k));
      } else {
        String error = p.getAsJsonObject().get("error").getAsString();
        String got = java.get(k);
        assertEquals(true, got.startsWith("ERROR ") && got.contains(error),
            "case " + k + ": Python raised '" + error + "', Java gave: " + got);
      }
    }
  }

  @Test
  void snippetsRenderAsPythonJinja2Does(@TempDir Path dir) throws Exception {
    assumeTrue(hasPythonJinja2(), "python3 with jinja2 is not installed");
    List<String> snippets;
    try (var in = JinjaAgainstPythonTest.class.getResourceAsStream("/jinja/snippets.json")) {
      snippets = GSON.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8),
          new com.google.gson.reflect.TypeToken<List<String>>() {}.getType());
    }
    Map<String, Object> context = snippetContext();
    List<Map<String, Object>> cases = new ArrayList<>();
    List<String> java = new ArrayList<>();
    List<TemplateError.Kind> kinds = new ArrayList<>();
    for (String snippet : snippets) {
      Map<String, Object> c = new LinkedHashMap<>(context);
      c.put("source", snippet);
      cases.add(c);
      try {
        // {% generation %} output is bracketed by marks for the training mask: not text
        java.add(AssistantSpans.withoutMarks(JinjaTemplate.compile(snippet).render(context)));
        kinds.add(null);
      } catch (TemplateError e) {
        java.add("ERROR " + e.getMessage());
        kinds.add(e.kind());
      } catch (RuntimeException e) { // a fault of the interpreter: shown with the others
        java.add("CRASH " + e);
        kinds.add(null);
      }
    }
    Path casesFile = dir.resolve("snippets.json");
    Files.writeString(casesFile, GSON.toJson(cases), StandardCharsets.UTF_8);
    JsonArray python = runPython(casesFile);
    assertEquals(cases.size(), python.size());
    List<String> differences = new ArrayList<>();
    for (int k = 0; k < cases.size(); k++) {
      JsonElement p = python.get(k);
      String where = "snippet " + k + ": " + snippets.get(k) + "\n  Python: ";
      if (p.isJsonPrimitive()) {
        if (!p.getAsString().equals(java.get(k))) {
          differences.add(where + p.getAsString() + "\n  Java:   " + java.get(k));
        }
        continue;
      }
      String error = p.getAsJsonObject().get("error").getAsString();
      // A syntax error, or what is refused here and not in Jinja2 (include and the like), may
      // word its message differently; a failure while rendering says what Jinja2 says.
      boolean sameWords = kinds.get(k) != TemplateError.Kind.RUNTIME
          && kinds.get(k) != TemplateError.Kind.RAISED || java.get(k).contains(error);
      if (!java.get(k).startsWith("ERROR ") || !sameWords) {
        differences.add(where + "raised '" + error + "'\n  Java:   " + java.get(k));
      }
    }
    assertEquals(List.of(), differences, String.join("\n", differences));
  }

  /** The variables every snippet sees. */
  private static Map<String, Object> snippetContext() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("a", 1L);
    d.put("b", List.of(1L, "é\"\n"));
    List<Map<String, Object>> msgs = List.of(Map.of("role", "user", "content", "Hi"),
        Map.of("role", "assistant", "content", "Hello"), Map.of("role", "user", "content", "Bye"));
    List<Map<String, Object>> tree = List.of(Map.of("name", "a", "children",
        List.of(Map.of("name", "b", "children", List.of()))), Map.of("name", "c", "children",
        List.of()));
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("xs", List.of(1L, 2L, 3L));
    context.put("d", d);
    context.put("s", "\n<think>x</think>\n");
    context.put("u", "Grüße 😀 — ½");
    context.put("msgs", msgs.stream().map(m -> {
      Map<String, Object> ordered = new LinkedHashMap<>();
      ordered.put("role", m.get("role"));
      ordered.put("content", m.get("content"));
      return ordered;
    }).toList());
    context.put("tree", tree);
    return context;
  }

  private static boolean hasPythonJinja2() {
    try {
      Process p = new ProcessBuilder("python3", "-c", "import jinja2").redirectErrorStream(true)
          .start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static JsonArray runPython(Path cases) throws IOException, InterruptedException {
    Path script = Path.of("scripts/jinja2-render.py").toAbsolutePath();
    Process p = new ProcessBuilder("python3", script.toString(), cases.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("scripts/jinja2-render.py failed: " + out);
    }
    return JsonParser.parseString(out).getAsJsonArray();
  }
}
