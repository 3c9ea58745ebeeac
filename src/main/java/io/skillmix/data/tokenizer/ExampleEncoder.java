package io.skillmix.data.tokenizer;

import io.skillmix.data.Conversation;
import io.skillmix.data.TokenizedExample;
import io.skillmix.UserError;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Template, tokenizer and length limit in one function: the single tokenise-and-mask path of
 * training, rewards and evaluation. Over-long examples are cut from the prompt side (the response
 * is what is learned) or left out, by {@code data.overlength}; both are counted.
 */
public final class ExampleEncoder implements Function<Conversation, TokenizedExample> {

  public enum Overlength {
    TRUNCATE,
    SKIP;

    public static Overlength parse(String value) {
      return switch (value) {
        case "truncate" -> TRUNCATE;
        case "skip" -> SKIP;
        default -> throw new UserError(
            "data.overlength = '" + value + "' is not valid; use truncate or skip");
      };
    }
  }

  private final ChatTemplate template;
  private final Tokenizer tokenizer;
  private final int maxLength;
  private final Overlength overlength;
  private final AtomicLong truncated = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();

  public ExampleEncoder(ChatTemplate template, Tokenizer tokenizer, int maxLength, Overlength overlength) {
    if (maxLength < 2) {
      throw new UserError("data.max-length must be at least 2, got " + maxLength);
    }
    this.template = template;
    this.tokenizer = tokenizer;
    this.maxLength = maxLength;
    this.overlength = overlength;
  }

  /** The encoded example, or null when it is over-long and the policy is to skip it. */
  @Override
  public TokenizedExample apply(Conversation conversation) {
    return limit(template.encode(conversation, tokenizer));
  }

  /** The length rule: the example when it fits, else cut or left out (null) by the policy. */
  private TokenizedExample limit(TokenizedExample full) {
    int n = full.length();
    if (n <= maxLength) {
      return full;
    }
    if (overlength == Overlength.SKIP) {
      skipped.incrementAndGet();
      return null;
    }
    return cut(full);
  }

  /**
   * The example cut to the length limit whatever the policy: for what must be scored item by item
   * (multiple-choice candidates, instance selection), where leaving one out is not an option.
   */
  public TokenizedExample cut(TokenizedExample full) {
    int n = full.length();
    if (n <= maxLength) {
      return full;
    }
    truncated.incrementAndGet();
    // Keep the last maxLength tokens: the prompt's start goes first; a response longer than the
    // limit on its own loses its start too, never its end of turn.
    int from = n - maxLength;
    return new TokenizedExample(Arrays.copyOfRange(full.ids(), from, n),
        Arrays.copyOfRange(full.target(), from, n));
  }

  public long truncated() {
    return truncated.get();
  }

  public long skipped() {
    return skipped.get();
  }

  public int maxLength() {
    return maxLength;
  }

  public Tokenizer tokenizer() {
    return tokenizer;
  }

  public ChatTemplate template() {
    return template;
  }
}
