package io.skillmix.data.tokenizer;

import io.skillmix.UserError;
import io.skillmix.data.Conversation;
import io.skillmix.data.Role;
import io.skillmix.data.TokenizedExample;
import io.skillmix.data.Turn;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * The three built-in chat formats, for the byte tokenizer and for models without a Jinja chat
 * template of their own (see {@link JinjaChatTemplate} for those that have one).
 *
 * <p>Targets are exactly the tokens of each assistant response plus the end-of-turn token that
 * closes it ({@code </s>}, {@code <|im_end|>}, {@code <|eot_id|>}): the model learns to answer and
 * to stop. System, user and template text are never targets.
 *
 * <p>Ids are built by tokenizing every template piece and every turn text SEPARATELY and
 * concatenating the results. Tokenizing the rendered string in one go would let a BPE merge
 * straddle the boundary between a template piece and a response, leaving a token that is half
 * prompt and half answer; separate pieces make the mask boundaries exact, and the prompt that
 * {@link #encodePrompt} builds for generation is, id for id, the prefix the model was trained on.
 * The price: with some tokenizers (SentencePiece's prefix space) the ids at piece joins can differ
 * from tokenizing {@link #render}'s string whole. Markers that the tokenizer has as special tokens
 * are emitted as their ids; without them (the byte tokenizer) they are encoded as text.
 */
public enum BuiltinTemplate implements ChatTemplate {
  /**
   * FastChat's vicuna_v1.1, as in the official MoS code: {@code SYSTEM USER: p ASSISTANT: r</s>}
   * then {@code USER: p2 ASSISTANT: r2</s>} (FastChat puts no space after {@code </s>}). The
   * {@code </s>} is the tokenizer's EOS id.
   */
  VICUNA,
  /**
   * ChatML as Qwen uses it, with Qwen's default system message when the conversation has none:
   * {@code <|im_start|>system\n...<|im_end|>\n<|im_start|>user\n...<|im_end|>\n
   * <|im_start|>assistant\n...<|im_end|>\n}.
   */
  CHATML,
  /**
   * Llama 3: {@code <|begin_of_text|>} then {@code <|start_header_id|>ROLE<|end_header_id|>\n\n
   * TEXT<|eot_id|>} per turn, no default system message. Texts are not trimmed.
   */
  LLAMA3;

  static final String VICUNA_SYSTEM_TEXT = "A chat between a curious user and an artificial"
      + " intelligence assistant. The assistant gives helpful, detailed, and polite answers to"
      + " the user's questions.";
  static final String CHATML_SYSTEM_TEXT = "You are a helpful assistant.";

  /**
   * The Jinja form of {@link #VICUNA} for {@code tokenizer_config.json}, so that other tools
   * render exactly what {@link #render} renders ({@code eos_token} standing for {@code </s>}).
   */
  static final String VICUNA_JINJA_TEXT = String.join("",
      "{%- if messages and messages[0]['role'] == 'system' -%}",
      "{%- set system_message = messages[0]['content'] -%}",
      "{%- set loop_messages = messages[1:] -%}",
      "{%- else -%}",
      "{%- set system_message = \"", VICUNA_SYSTEM_TEXT, "\" -%}",
      "{%- set loop_messages = messages -%}",
      "{%- endif -%}",
      "{{- system_message -}}",
      "{%- set ns = namespace(closed=false) -%}",
      "{%- for message in loop_messages -%}",
      "{%- if not ns.closed -%}{{- ' ' -}}{%- endif -%}",
      "{%- if message['role'] == 'user' -%}",
      "{{- 'USER: ' + message['content'] -}}{%- set ns.closed = false -%}",
      "{%- elif message['role'] == 'assistant' -%}",
      "{{- 'ASSISTANT: ' + message['content'] + eos_token -}}{%- set ns.closed = true -%}",
      "{%- endif -%}",
      "{%- endfor -%}",
      "{%- if add_generation_prompt -%}",
      "{%- if not ns.closed -%}{{- ' ' -}}{%- endif -%}{{- 'ASSISTANT: ' -}}",
      "{%- endif -%}");

  private static final String VICUNA_EOS = "</s>";
  private static final String IM_START = "<|im_start|>";
  private static final String IM_END = "<|im_end|>";
  private static final String BEGIN_OF_TEXT = "<|begin_of_text|>";
  private static final String START_HEADER = "<|start_header_id|>";
  private static final String END_HEADER = "<|end_header_id|>";
  private static final String EOT = "<|eot_id|>";

  // ---------------------------------------------------------------- public API

  /** The conversation's ids with response tokens (and their end-of-turn token) as targets. */
  @Override
  public TokenizedExample encode(Conversation conversation, Tokenizer tokenizer) {
    if (conversation.plainText()) {
      return ChatTemplate.plainText(conversation, tokenizer);
    }
    TokenSink sink = new TokenSink(tokenizer);
    emit(conversation.turns(), false, sink);
    return sink.result();
  }

  /**
   * The prompt for generation: the conversation up to and including its last user turn (later
   * turns are ignored), then the assistant header, so the model continues with the answer. The
   * ids equal the prefix that {@link #encode} gives for the same exchange. No targets.
   */
  @Override
  public TokenizedExample encodePrompt(Conversation upToLastUser, Tokenizer tokenizer) {
    TokenSink sink = new TokenSink(tokenizer);
    emit(promptTurns(upToLastUser), true, sink);
    TokenizedExample e = sink.result();
    return new TokenizedExample(e.ids(), new boolean[e.length()]);
  }

  /** The conversation as text; {@code decode(encode(c).ids())} equals it for the byte tokenizer. */
  @Override
  public String render(Conversation conversation) {
    if (conversation.plainText()) {
      return conversation.turns().get(0).text();
    }
    TextSink sink = new TextSink();
    emit(conversation.turns(), false, sink);
    return sink.text.toString();
  }

  /** The text of {@link #encodePrompt}. */
  @Override
  public String renderPrompt(Conversation upToLastUser) {
    TextSink sink = new TextSink();
    emit(promptTurns(upToLastUser), true, sink);
    return sink.text.toString();
  }

  /** The ids that close an assistant turn: where generation stops. */
  @Override
  public int[] endOfTurnIds(Tokenizer tokenizer) {
    TokenSink sink = new TokenSink(tokenizer);
    switch (this) {
      case VICUNA -> sink.eos(true);
      case CHATML -> sink.marker(IM_END, true);
      case LLAMA3 -> sink.marker(EOT, true);
      default -> throw new AssertionError(this);
    }
    return sink.result().ids();
  }

  /** The name used in config files. */
  @Override
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  // ---------------------------------------------------------------- the formats

  private static List<Turn> promptTurns(Conversation c) {
    List<Turn> turns = c.turns();
    for (int i = turns.size() - 1; i >= 0; i--) {
      if (turns.get(i).role() == Role.USER) {
        return turns.subList(0, i + 1);
      }
    }
    throw new IllegalArgumentException("a generation prompt needs a user turn");
  }

  /** Emits the pieces of {@code turns}, then the assistant header if {@code generation}. */
  private void emit(List<Turn> turns, boolean generation, Sink sink) {
    switch (this) {
      case VICUNA -> emitVicuna(turns, generation, sink);
      case CHATML -> emitChatMl(turns, generation, sink);
      case LLAMA3 -> emitLlama3(turns, generation, sink);
      default -> throw new AssertionError(this);
    }
  }

  private static void emitVicuna(List<Turn> turns, boolean generation, Sink sink) {
    int start = 0;
    String system = VICUNA_SYSTEM_TEXT;
    if (!turns.isEmpty() && turns.get(0).role() == Role.SYSTEM) {
      system = turns.get(0).text();
      start = 1;
    }
    sink.text(system, false);
    boolean closed = false; // FastChat's separator after </s> is empty, after anything else " "
    for (Turn turn : turns.subList(start, turns.size())) {
      String sep = closed ? "" : " ";
      switch (turn.role()) {
        case USER -> {
          sink.text(sep + "USER: ", false);
          sink.text(turn.text(), false);
          closed = false;
        }
        case ASSISTANT -> {
          sink.text(sep + "ASSISTANT: ", false);
          sink.text(turn.text(), true);
          sink.eos(true);
          closed = true;
        }
        case SYSTEM -> throw new UserError("the vicuna template takes a system turn only as the"
            + " first turn; example " + ChatTemplate.describe(turns));
        case TOOL -> throw refuseTool("vicuna", turns);
        default -> throw new AssertionError(turn.role());
      }
    }
    if (generation) {
      sink.text((closed ? "" : " ") + "ASSISTANT: ", false);
    }
  }

  private static void emitChatMl(List<Turn> turns, boolean generation, Sink sink) {
    if (turns.isEmpty() || turns.get(0).role() != Role.SYSTEM) {
      chatMlTurn(new Turn(Role.SYSTEM, CHATML_SYSTEM_TEXT), sink);
    }
    for (Turn turn : turns) {
      if (turn.role() == Role.TOOL) {
        throw refuseTool("chatml", turns);
      }
      chatMlTurn(turn, sink);
    }
    if (generation) {
      sink.marker(IM_START, false);
      sink.text("assistant\n", false);
    }
  }

  private static UserError refuseTool(String template, List<Turn> turns) {
    return new UserError("the built-in " + template + " template has no tool role; use a model"
        + " folder whose own chat template takes tool messages; example "
        + ChatTemplate.describe(turns));
  }

  private static void chatMlTurn(Turn turn, Sink sink) {
    boolean target = turn.role() == Role.ASSISTANT;
    sink.marker(IM_START, false);
    sink.text(roleName(turn.role()) + "\n", false);
    sink.text(turn.text(), target);
    sink.marker(IM_END, target);
    sink.text("\n", false);
  }

  private static void emitLlama3(List<Turn> turns, boolean generation, Sink sink) {
    sink.marker(BEGIN_OF_TEXT, false);
    for (Turn turn : turns) {
      if (turn.role() == Role.TOOL) {
        throw refuseTool("llama3", turns);
      }
      boolean target = turn.role() == Role.ASSISTANT;
      llama3Header(roleName(turn.role()), sink);
      sink.text(turn.text(), target);
      sink.marker(EOT, target);
    }
    if (generation) {
      llama3Header("assistant", sink);
    }
  }

  private static void llama3Header(String role, Sink sink) {
    sink.marker(START_HEADER, false);
    sink.text(role, false);
    sink.marker(END_HEADER, false);
    sink.text("\n\n", false);
  }

  private static String roleName(Role role) {
    return role.name().toLowerCase(Locale.ROOT);
  }

  // ---------------------------------------------------------------- sinks

  /** Receives the pieces of a formatted conversation: one code path for text and for ids. */
  private interface Sink {
    void text(String text, boolean target);

    /** A template marker that may be a special token, e.g. {@code <|im_start|>}. */
    void marker(String token, boolean target);

    /** End of sequence: the tokenizer's EOS, written {@code </s>}. */
    void eos(boolean target);
  }

  private static final class TextSink implements Sink {
    final StringBuilder text = new StringBuilder();

    @Override
    public void text(String s, boolean target) {
      text.append(s);
    }

    @Override
    public void marker(String token, boolean target) {
      text.append(token);
    }

    @Override
    public void eos(boolean target) {
      text.append(VICUNA_EOS);
    }
  }

  private static final class TokenSink implements Sink {
    private final Tokenizer tokenizer;
    private int[] ids = new int[256];
    private boolean[] target = new boolean[256];
    private int size;

    TokenSink(Tokenizer tokenizer) {
      this.tokenizer = tokenizer;
    }

    @Override
    public void text(String s, boolean isTarget) {
      if (!s.isEmpty()) {
        for (int id : tokenizer.encode(s)) {
          add(id, isTarget);
        }
      }
    }

    @Override
    public void marker(String token, boolean isTarget) {
      OptionalInt id = tokenizer.tokenId(token);
      if (id.isPresent()) {
        add(id.getAsInt(), isTarget);
      } else {
        text(token, isTarget);
      }
    }

    @Override
    public void eos(boolean isTarget) {
      if (tokenizer.eosId() >= 0) {
        add(tokenizer.eosId(), isTarget);
      } else {
        text(VICUNA_EOS, isTarget);
      }
    }

    private void add(int id, boolean isTarget) {
      if (size == ids.length) {
        ids = Arrays.copyOf(ids, size * 2);
        target = Arrays.copyOf(target, size * 2);
      }
      ids[size] = id;
      target[size] = isTarget;
      size++;
    }

    TokenizedExample result() {
      return new TokenizedExample(Arrays.copyOf(ids, size), Arrays.copyOf(target, size));
    }
  }
}
