package io.skillmix.data.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.UserError;
import io.skillmix.data.Conversation;
import io.skillmix.data.Role;
import io.skillmix.data.Turn;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The real chat templates of seven model families (test resources chat-templates/, see
 * SOURCES.md there) rendered by {@link JinjaChatTemplate}, against the renderings their model
 * cards and documentation give. Each expected string says where it is documented.
 */
class JinjaTemplatesTest {

  static JinjaChatTemplate template(String file, String bos, String eos) {
    Map<String, String> tokens = bos == null ? Map.of("eos_token", eos)
        : Map.of("bos_token", bos, "eos_token", eos);
    return JinjaChatTemplate.of(TemplateSource.of(resource(file), Path.of(file), tokens));
  }

  static String resource(String file) {
    try (InputStream in = JinjaTemplatesTest.class.getResourceAsStream("/chat-templates/" + file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** user, assistant, user, assistant, ... with an optional system message first. */
  static Conversation chat(String system, String... userAssistant) {
    List<Turn> turns = new ArrayList<>();
    if (system != null) {
      turns.add(new Turn(Role.SYSTEM, system));
    }
    for (int i = 0; i < userAssistant.length; i++) {
      turns.add(new Turn(i % 2 == 0 ? Role.USER : Role.ASSISTANT, userAssistant[i]));
    }
    return new Conversation(turns);
  }

  static final String UNICODE = "Grüße, 你好 😀 — ½";

  // ---------------------------------------------------------------- Qwen2.5-Instruct

  static final JinjaChatTemplate QWEN25 = template("qwen2.5-instruct.jinja", null, "<|im_end|>");

  @Test
  void qwen25() {
    // Qwen2.5's documentation (qwen.readthedocs.io, "Key Concepts: chat template"): ChatML, with
    // Qwen's own system message when the conversation has none.
    String defaultSystem = "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a"
        + " helpful assistant.<|im_end|>\n";
    assertEquals(defaultSystem + "<|im_start|>user\nHello, how are you?<|im_end|>\n"
        + "<|im_start|>assistant\n",
        QWEN25.renderPrompt(chat(null, "Hello, how are you?")));
    assertEquals(defaultSystem + "<|im_start|>user\nHello, how are you?<|im_end|>\n"
        + "<|im_start|>assistant\nFine, and you?<|im_end|>\n",
        QWEN25.render(chat(null, "Hello, how are you?", "Fine, and you?")));
    assertEquals("<|im_start|>system\nYou are a pirate.<|im_end|>\n"
        + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nArr.<|im_end|>\n"
        + "<|im_start|>user\n" + UNICODE + "<|im_end|>\n<|im_start|>assistant\n" + UNICODE
        + "<|im_end|>\n",
        QWEN25.render(chat("You are a pirate.", "Hi", "Arr.", UNICODE, UNICODE)));
  }

  // ---------------------------------------------------------------- Llama-3.1-Instruct

  static final JinjaChatTemplate LLAMA31 =
      template("llama-3.1-instruct.jinja", "<|begin_of_text|>", "<|eot_id|>");

  /** The system header every Llama 3.1 prompt starts with (date_string defaults to 26 Jul 2024). */
  static final String LLAMA31_SYSTEM = "<|begin_of_text|><|start_header_id|>system<|end_header_id|>"
      + "\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n";

  @Test
  void llama31() {
    // llama.com, "Llama 3.1 prompt formats": <|start_header_id|>ROLE<|end_header_id|>\n\n TEXT
    // <|eot_id|>, ending with the assistant header; the 3.1 template's system header carries the
    // knowledge cut-off and today's date (gorilla PR 752 quotes the same lines).
    assertEquals(LLAMA31_SYSTEM + "<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n"
        + "What is France's capital?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
        LLAMA31.renderPrompt(chat(null, "What is France's capital?")));
    assertEquals(LLAMA31_SYSTEM + "You are a helpful AI assistant for travel tips and"
        + " recommendations<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n"
        + "What is France's capital?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"
        + "Bonjour! The capital of France is Paris!<|eot_id|>"
        + "<|start_header_id|>user<|end_header_id|>\n\nWhat can I do there?<|eot_id|>"
        + "<|start_header_id|>assistant<|end_header_id|>\n\n",
        LLAMA31.renderPrompt(chat("You are a helpful AI assistant for travel tips and"
            + " recommendations", "What is France's capital?",
            "Bonjour! The capital of France is Paris!", "What can I do there?")));
    assertEquals(LLAMA31_SYSTEM + "<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n"
        + UNICODE + "<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n" + UNICODE
        + "<|eot_id|>", LLAMA31.render(chat(null, UNICODE, UNICODE)));
  }

  // ---------------------------------------------------------------- Mistral-7B-Instruct-v0.3

  static final JinjaChatTemplate MISTRAL = template("mistral-7b-instruct-v0.3.jinja", "<s>", "</s>");

  @Test
  void mistralV03() {
    // docs.mistral.ai, "Tokenization" (tokenizer V3, Mistral-7B-Instruct-v0.3):
    // <s>[INST] Hello, how are you?[/INST] Fine, and you?</s>[INST] I'm doing great![/INST]
    // Glad to hear!</s>
    assertEquals("<s>[INST] Hello, how are you?[/INST] Fine, and you?</s>[INST] I'm doing"
        + " great![/INST] Glad to hear!</s>", MISTRAL.render(chat(null, "Hello, how are you?",
            "Fine, and you?", "I'm doing great!", "Glad to hear!")));
    assertEquals("<s>[INST] Hello, how are you?[/INST]",
        MISTRAL.renderPrompt(chat(null, "Hello, how are you?")));
    // The v3 template puts the system message into the last message when that is the user's
    // (mistral-common does the same); a conversation that ends with an answer loses it.
    assertEquals("<s>[INST] Hello, how are you?[/INST] Fine, and you?</s>[INST] Be brief.\n\n"
        + "I'm doing great![/INST]", MISTRAL.renderPrompt(chat("Be brief.",
            "Hello, how are you?", "Fine, and you?", "I'm doing great!")));
    assertEquals("<s>[INST] Hello, how are you?[/INST] Fine, and you?</s>", MISTRAL.render(
        chat("Be brief.", "Hello, how are you?", "Fine, and you?")));
    assertEquals("<s>[INST] " + UNICODE + "[/INST] " + UNICODE + "</s>",
        MISTRAL.render(chat(null, UNICODE, UNICODE)));
  }

  @Test
  void mistralRefusesTurnsThatDoNotAlternate() {
    UserError e = assertThrows(UserError.class, () -> MISTRAL.render(chat(null, "a", "b")
        .turns().isEmpty() ? null : new Conversation(List.of(new Turn(Role.USER, "a"),
            new Turn(Role.USER, "b")))));
    assertTrue(e.getMessage().contains("must alternate user/assistant"), e.getMessage());
    assertTrue(e.getMessage().startsWith("mistral-7b-instruct-v0.3.jinja: "), e.getMessage());
  }

  // ---------------------------------------------------------------- gemma-2-it

  static final JinjaChatTemplate GEMMA = template("gemma-2-it.jinja", "<bos>", "<eos>");

  @Test
  void gemma2() {
    // The gemma-2 model cards ("Chat Template"): <bos><start_of_turn>user\nWrite a hello world
    // program<end_of_turn>\n<start_of_turn>model\n; answers are the model role, each turn closed
    // by <end_of_turn>\n.
    assertEquals("<bos><start_of_turn>user\nWrite a hello world program<end_of_turn>\n"
        + "<start_of_turn>model\n", GEMMA.renderPrompt(chat(null, "Write a hello world program")));
    assertEquals("<bos><start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\nHello"
        + "<end_of_turn>\n<start_of_turn>user\n" + UNICODE + "<end_of_turn>\n"
        + "<start_of_turn>model\n" + UNICODE + "<end_of_turn>\n",
        GEMMA.render(chat(null, "Hi", "Hello", UNICODE, UNICODE)));
  }

  @Test
  void gemmaRefusesASystemMessageInOneLine() {
    UserError e = assertThrows(UserError.class, () -> GEMMA.render(chat("Be brief.", "Hi", "Hello")));
    assertEquals("gemma-2-it.jinja: the template raised an exception: System role not supported;"
        + " example starting system \"Be brief.\" (3 turns)", e.getMessage());
  }

  // ---------------------------------------------------------------- Phi-3.5-mini-instruct

  static final JinjaChatTemplate PHI35 =
      template("phi-3.5-mini-instruct.jinja", "<s>", "<|endoftext|>");

  @Test
  void phi35() {
    // The Phi-3.5-mini-instruct model card ("Input Formats"):
    // <|system|>\nYou are a helpful assistant.<|end|>\n<|user|>\nHow to explain Internet for a
    // medieval knight?<|end|>\n<|assistant|>\n
    assertEquals("<|system|>\nYou are a helpful assistant.<|end|>\n<|user|>\nHow to explain"
        + " Internet for a medieval knight?<|end|>\n<|assistant|>\n",
        PHI35.renderPrompt(chat("You are a helpful assistant.",
            "How to explain Internet for a medieval knight?")));
    // Without a generation prompt the template ends with the EOS.
    assertEquals("<|user|>\nHi<|end|>\n<|assistant|>\nHello<|end|>\n<|user|>\n" + UNICODE
        + "<|end|>\n<|assistant|>\n" + UNICODE + "<|end|>\n<|endoftext|>",
        PHI35.render(chat(null, "Hi", "Hello", UNICODE, UNICODE)));
  }

  // ---------------------------------------------------------------- SmolLM2-Instruct

  static final JinjaChatTemplate SMOLLM2 =
      template("smollm2-instruct.jinja", "<|im_start|>", "<|im_end|>");

  @Test
  void smolLm2() {
    // Hugging Face's smol-course (unit 1, "Chat templates") shows this exchange as SmolLM2
    // formats it, with SmolLM's default system message.
    assertEquals("<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by"
        + " Hugging Face<|im_end|>\n<|im_start|>user\nI need help with my order<|im_end|>\n"
        + "<|im_start|>assistant\nI'd be happy to help. Could you provide your order number?"
        + "<|im_end|>\n<|im_start|>user\nIt's ORDER-123<|im_end|>\n<|im_start|>assistant\n",
        SMOLLM2.renderPrompt(chat(null, "I need help with my order",
            "I'd be happy to help. Could you provide your order number?", "It's ORDER-123")));
    assertEquals("<|im_start|>system\nYou are a terse assistant.<|im_end|>\n<|im_start|>user\n"
        + UNICODE + "<|im_end|>\n<|im_start|>assistant\n" + UNICODE + "<|im_end|>\n",
        SMOLLM2.render(chat("You are a terse assistant.", UNICODE, UNICODE)));
  }

  // ---------------------------------------------------------------- Qwen3

  static final JinjaChatTemplate QWEN3 = template("qwen3.jinja", null, "<|im_end|>");

  @Test
  void qwen3() {
    // SkyRL's templates README quotes apply_chat_template on Qwen/Qwen3-0.6B: an empty reasoning
    // block before the last answer, no default system message.
    assertEquals("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n"
        + "Hello<|im_end|>\n", QWEN3.render(chat(null, "Hi", "Hello")));
    // The Qwen3 model cards: in multi-turn history the earlier answers carry no thinking content.
    assertEquals("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
        + "<|im_start|>assistant\nHello<|im_end|>\n<|im_start|>user\n" + UNICODE + "<|im_end|>\n"
        + "<|im_start|>assistant\n<think>\n\n</think>\n\n" + UNICODE + "<|im_end|>\n",
        QWEN3.render(chat("Be brief.", "Hi", "Hello", UNICODE, UNICODE)));
    // A recorded reasoning block in the last answer is kept, the one of an earlier answer dropped.
    assertEquals("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello<|im_end|>\n"
        + "<|im_start|>user\nAnd?<|im_end|>\n<|im_start|>assistant\n<think>\nhm\n</think>\n\n"
        + "Bye<|im_end|>\n",
        QWEN3.render(chat(null, "Hi", "<think>\nx\n</think>\n\nHello", "And?",
            "<think>\nhm\n</think>\n\nBye")));
    assertEquals("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
        QWEN3.renderPrompt(chat(null, "Hi")));
  }

  // ---------------------------------------------------------------- the project's own

  @Test
  void theVicunaJinjaThisProjectWritesRendersAsTheBuiltInVicuna() {
    JinjaChatTemplate jinja = JinjaChatTemplate.of(TemplateSource.of(ChatTemplate.VICUNA_JINJA,
        Path.of("tokenizer_config.json"), Map.of("eos_token", "</s>")));
    for (Conversation c : List.of(chat(null, "Hi", "Hello"), chat("Sys.", "Q1", "A1", "Q2",
        UNICODE), chat(null, "Q1", "A1", "Q2"))) {
      assertEquals(ChatTemplate.VICUNA.render(c), jinja.render(c));
      assertEquals(ChatTemplate.VICUNA.renderPrompt(c), jinja.renderPrompt(c));
    }
  }
}
