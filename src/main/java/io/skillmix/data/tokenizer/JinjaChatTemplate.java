package io.skillmix.data.tokenizer;

import io.skillmix.UserError;
import io.skillmix.data.Conversation;
import io.skillmix.data.Role;
import io.skillmix.data.TokenizedExample;
import io.skillmix.data.Turn;
import io.skillmix.data.tokenizer.jinja.JinjaTemplate;
import io.skillmix.data.tokenizer.jinja.TemplateError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A model folder's own Jinja chat template, rendered as Hugging Face's {@code apply_chat_template}
 * renders it ({@link JinjaTemplate}, skillmix's sandboxed Jinja2) with {@code messages}, {@code
 * add_generation_prompt}, the folder's {@code bos_token}, {@code eos_token}, ..., and {@code
 * tools} and {@code documents} set to None as Hugging Face sets them without tools. Message text
 * is data: it is written as it is, never read as template code.
 *
 * <p>Encoding tokenizes the rendered conversation once, whole, so the ids are exactly those of
 * {@code tokenizer(rendered, add_special_tokens=False)}: a template that writes the BOS gets it
 * once. The targets are the tokens that end inside an assistant span of the text ({@link
 * AssistantSpans}: the template's {@code {% generation %}} blocks, or the assistant's part found
 * by rendering).
 */
public final class JinjaChatTemplate implements ChatTemplate {

  private final TemplateSource source;
  private final JinjaTemplate compiled;

  /** Compiles the template: one that does not parse, or reaches for files, is refused here. */
  JinjaChatTemplate(TemplateSource source) {
    this.source = source;
    try {
      this.compiled = JinjaTemplate.compile(source.text());
    } catch (TemplateError e) {
      throw new UserError(source.file() + ": " + describe(e)
          + "; fix the template or set model.chat-template to vicuna, chatml or llama3");
    }
  }

  /** The template of {@code source}, for tests and tools that hold a template's text. */
  public static JinjaChatTemplate of(TemplateSource source) {
    return new JinjaChatTemplate(source);
  }

  public TemplateSource source() {
    return source;
  }

  @Override
  public TokenizedExample encode(Conversation conversation, Tokenizer tokenizer) {
    if (conversation.plainText()) {
      return ChatTemplate.plainText(conversation, tokenizer);
    }
    refuseMarks(conversation.turns());
    AssistantSpans.Marked marked = AssistantSpans.find(this, conversation.turns());
    TokenSpans tokens = tokenizer.encodeWithSpans(marked.text());
    boolean[] target = new boolean[tokens.length()];
    for (int i = 0; i < target.length; i++) {
      target[i] = marked.isTrained(tokens.end()[i]);
    }
    return new TokenizedExample(tokens.ids(), target);
  }

  @Override
  public TokenizedExample encodePrompt(Conversation upToLastUser, Tokenizer tokenizer) {
    int[] ids = tokenizer.encode(renderPrompt(upToLastUser));
    return new TokenizedExample(ids, new boolean[ids.length]);
  }

  @Override
  public String render(Conversation conversation) {
    if (conversation.plainText()) {
      return conversation.turns().get(0).text();
    }
    refuseMarks(conversation.turns());
    return AssistantSpans.withoutMarks(renderMarked(conversation.turns(), false));
  }

  @Override
  public String renderPrompt(Conversation upToLastUser) {
    List<Turn> turns = upToLastUser.turns();
    int last = turns.size() - 1;
    while (last >= 0 && turns.get(last).role() != Role.USER) {
      last--;
    }
    if (last < 0) {
      throw new IllegalArgumentException("a generation prompt needs a user turn");
    }
    refuseMarks(turns);
    return AssistantSpans.withoutMarks(renderMarked(turns.subList(0, last + 1), true));
  }

  /**
   * The ids of the marker the template writes after an assistant message: the first token of
   * what follows the answer in a rendered exchange ({@code <|im_end|>}, {@code <|eot_id|>},
   * {@code <end_of_turn>}, {@code </s>}); all of it when that is not one special token.
   */
  @Override
  public int[] endOfTurnIds(Tokenizer tokenizer) {
    String tail = AssistantSpans.tailAfterAnswer(this);
    for (int end = tail.length(); end > 0; end--) {
      OptionalInt id = tokenizer.tokenId(tail.substring(0, end));
      if (id.isPresent()) {
        return new int[] {id.getAsInt()};
      }
    }
    String trimmed = tail.stripTrailing();
    return tokenizer.encode(trimmed.isEmpty() ? tail : trimmed);
  }

  /** {@code jinja} and where the template came from, e.g. {@code jinja (DIR/tokenizer_config.json)}. */
  @Override
  public String configName() {
    return "jinja (" + source.file() + ("default".equals(source.name()) ? "" : ", " + source.name())
        + ")";
  }

  @Override
  public String toString() {
    return configName();
  }

  // ---------------------------------------------------------------- rendering

  /** Whether the template marks trained text itself with {@code {% generation %}} blocks. */
  boolean hasGenerationBlocks() {
    return compiled.hasGenerationBlocks();
  }

  /** The rendering of {@code turns}, {@code {% generation %}} output still bracketed. */
  String renderMarked(List<Turn> turns, boolean addGenerationPrompt) {
    Map<String, Object> context = new HashMap<>(source.specialTokens());
    context.put("messages", messages(turns));
    context.put("add_generation_prompt", addGenerationPrompt);
    context.put("tools", null); // apply_chat_template passes tools=None and documents=None
    context.put("documents", null);
    try {
      return compiled.render(context);
    } catch (TemplateError e) {
      throw failed(describe(e), turns);
    }
  }

  /** One line for a template failure, by kind. */
  static String describe(TemplateError e) {
    return switch (e.kind()) {
      case RAISED -> "the template raised an exception: " + e.getMessage();
      case BOUND -> "the template breaks a bound of skillmix's chat templates (untrusted code):"
          + " " + e.describe();
      case REFUSED -> "the template is refused: " + e.describe();
      default -> "the template failed: " + e.describe();
    };
  }

  UserError failed(String why, List<Turn> turns) {
    return new UserError(source.file() + ": " + why + "; example " + ChatTemplate.describe(turns));
  }

  private static List<Map<String, Object>> messages(List<Turn> turns) {
    List<Map<String, Object>> messages = new ArrayList<>(turns.size());
    for (Turn turn : turns) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("role", turn.role().name().toLowerCase(Locale.ROOT));
      m.put("content", turn.text());
      messages.add(m);
    }
    return messages;
  }

  private void refuseMarks(List<Turn> turns) {
    for (Turn turn : turns) {
      if (AssistantSpans.hasMarks(turn.text())) {
        throw failed("an example holds the Unicode noncharacters U+FDD0..U+FDD2, which the"
            + " templates use as marks; remove them from the data", turns);
      }
    }
  }
}
