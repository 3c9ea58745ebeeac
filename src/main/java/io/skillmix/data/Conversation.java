package io.skillmix.data;

import java.util.List;

/**
 * One training example in every input format: Alpaca, ShareGPT and prompt/response all become a
 * conversation. An optional system turn comes first; user and assistant turns follow, and every
 * assistant turn is a response whose tokens count in the loss.
 */
public record Conversation(List<Turn> turns) {

  public Conversation {
    turns = List.copyOf(turns);
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
