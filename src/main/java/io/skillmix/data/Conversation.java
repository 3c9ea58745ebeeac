package io.skillmix.data;

import java.util.List;

/**
 * One training example in every input format: Alpaca, ShareGPT, messages and prompt/response all
 * become a conversation. An optional system turn comes first; user and assistant turns follow, and
 * every assistant turn is a response whose tokens count in the loss.
 *
 * <p>A plain-text example (continued pre-training, a {@code text} record) is one assistant turn
 * with {@code plainText} set: no chat template is applied and every token counts.
 */
public record Conversation(List<Turn> turns, boolean plainText) {

  public Conversation {
    turns = List.copyOf(turns);
    if (plainText && (turns.size() != 1 || turns.get(0).role() != Role.ASSISTANT)) {
      throw new IllegalArgumentException("a plain-text example is exactly one assistant turn");
    }
  }

  public Conversation(List<Turn> turns) {
    this(turns, false);
  }

  /** A plain-text example: every token is trained on, no template. */
  public static Conversation plain(String text) {
    return new Conversation(List.of(new Turn(Role.ASSISTANT, text)), true);
  }

  /** A single exchange: the common case of Alpaca and prompt/response records. */
  public static Conversation of(String prompt, String response) {
    return new Conversation(List.of(new Turn(Role.USER, prompt), new Turn(Role.ASSISTANT, response)));
  }

  /** The text of the first user turn (the "instruction" of the paper's tables). */
  public String firstPrompt() {
    return turns.stream().filter(t -> t.role() == Role.USER).map(Turn::text).findFirst().orElse("");
  }

  /** The text of the last assistant turn. */
  public String lastResponse() {
    String last = "";
    for (Turn t : turns) {
      if (t.role() == Role.ASSISTANT) {
        last = t.text();
      }
    }
    return last;
  }
}
