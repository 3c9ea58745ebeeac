package io.skillmix.data.tokenizer;

import io.skillmix.data.Conversation;
import io.skillmix.data.Role;
import io.skillmix.data.TokenizedExample;
import io.skillmix.data.Turn;
import java.util.ArrayList;
import java.util.List;

/**
 * A template whose conversations without a system turn get {@code system} as theirs
 * ({@code model.system-prompt}), in training, rewards, evaluation and generation alike, instead of
 * the template's own default (vicuna's FastChat sentence, Qwen's "You are a helpful assistant.").
 * An empty text is an empty system turn: vicuna then renders none. Plain-text examples stay as
 * they are.
 */
record DefaultSystem(ChatTemplate inner, String system) implements ChatTemplate {

  Conversation withSystem(Conversation c) {
    if (c.plainText() || (!c.turns().isEmpty() && c.turns().get(0).role() == Role.SYSTEM)) {
      return c;
    }
    List<Turn> turns = new ArrayList<>(c.turns().size() + 1);
    turns.add(new Turn(Role.SYSTEM, system));
    turns.addAll(c.turns());
    return new Conversation(turns);
  }

  @Override
  public TokenizedExample encode(Conversation conversation, Tokenizer tokenizer) {
    return inner.encode(withSystem(conversation), tokenizer);
  }

  @Override
  public TokenizedExample encodePrompt(Conversation upToLastUser, Tokenizer tokenizer) {
    return inner.encodePrompt(withSystem(upToLastUser), tokenizer);
  }

  @Override
  public String render(Conversation conversation) {
    return inner.render(withSystem(conversation));
  }

  @Override
  public String renderPrompt(Conversation upToLastUser) {
    return inner.renderPrompt(withSystem(upToLastUser));
  }

  @Override
  public int[] endOfTurnIds(Tokenizer tokenizer) {
    return inner.endOfTurnIds(tokenizer);
  }

  @Override
  public String configName() {
    return inner.configName();
  }
}
