package io.skillmix.data.tokenizer;

import static io.skillmix.data.tokenizer.JinjaTemplatesTest.chat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.data.Conversation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28, point 2: a conversation whose text looks like template code is text. Under the
 * chatml (Qwen2.5's template and the built-in), llama3 (Llama-3.1's and the built-in), mistral,
 * gemma and phi3 templates the rendered text holds each such content character for character, as
 * transformers' apply_chat_template renders it (JinjaAgainstPythonTest compares the same contents
 * with Python's Jinja2), and so does the system prompt given by {@code model.system-prompt} or
 * {@code chat --system}. Jinjava rendered its own output again: {@code {{ 7*7 }}} became 49.
 */
class TextStaysTextTest {

  static final List<String> CODE_LIKE = List.of("{{ messages }}",
      "{% if true %}yes{% endif %}", "{{ 7*7 }}", "{# c #}", "{{ x.getClass() }}",
      "A {{ 7*7 }} Z {%- raw %}{% include 'reference.conf' %}");

  private static final Map<String, ChatTemplate> TEMPLATES = Map.of(
      "chatml (qwen2.5)", JinjaTemplatesTest.QWEN25,
      "chatml (built-in)", ChatTemplate.CHATML,
      "llama3 (llama-3.1)", JinjaTemplatesTest.LLAMA31,
      "llama3 (built-in)", ChatTemplate.LLAMA3,
      "mistral", JinjaTemplatesTest.MISTRAL,
      "gemma", JinjaTemplatesTest.GEMMA,
      "phi3", JinjaTemplatesTest.PHI35);

  private static int occurrences(String text, String part) {
    int n = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void contentThatLooksLikeTemplateCodeIsRenderedAsItIs() {
    for (Map.Entry<String, ChatTemplate> t : TEMPLATES.entrySet()) {
      for (String content : CODE_LIKE) {
        Conversation c = chat(null, content, "answer: " + content);
        String text = t.getValue().render(c);
        assertEquals(2, occurrences(text, content), t.getKey() + " rendered " + text);
        assertTrue(text.contains("answer: " + content), t.getKey() + " rendered " + text);
        String prompt = t.getValue().renderPrompt(chat(null, content));
        assertEquals(1, occurrences(prompt, content), t.getKey() + " rendered " + prompt);
      }
    }
  }

  @Test
  void theSystemPromptIsTextToo() {
    for (Map.Entry<String, ChatTemplate> t : TEMPLATES.entrySet()) {
      if (t.getKey().equals("gemma")) {
        continue; // Gemma's template refuses any system message
      }
      for (String system : CODE_LIKE) {
        ChatTemplate withSystem = new DefaultSystem(t.getValue(), system);
        String text = withSystem.renderPrompt(chat(null, "Hi", "Hello", "Bye"));
        assertEquals(1, occurrences(text, system), t.getKey() + " rendered " + text);
        String explicit = t.getValue().render(chat(system, "Hi", "Hello"));
        if (!t.getKey().equals("mistral")) { // Mistral v0.3 writes the system only before a last user turn
          assertEquals(1, occurrences(explicit, system), t.getKey() + " rendered " + explicit);
        }
      }
    }
  }

  @Test
  void theTrainedTokensHoldTheAnswerCharacterForCharacter(@TempDir Path dir) throws IOException {
    List<String> markers = List.of("<|im_start|>", "<|im_end|>", "<|begin_of_text|>",
        "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>", "<s>", "</s>", "<bos>",
        "<eos>", "<start_of_turn>", "<end_of_turn>", "<|user|>", "<|assistant|>", "<|end|>",
        "<|endoftext|>");
    try (Tokenizer tok = HfTokenizer.load(TokenizerFixtures.writeGpt2Style(dir, markers))) {
      for (Map.Entry<String, ChatTemplate> t : TEMPLATES.entrySet()) {
        for (String content : CODE_LIKE) {
          List<String> trained = ChatTemplateTest.targetRuns(
              t.getValue().encode(chat(null, "q", content), tok), tok);
          assertEquals(1, trained.size(), t.getKey() + ": " + trained);
          assertTrue(trained.get(0).contains(content), t.getKey() + " trained " + trained);
        }
      }
    }
  }
}
