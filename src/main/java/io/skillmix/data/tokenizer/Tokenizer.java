package io.skillmix.data.tokenizer;

import java.util.OptionalInt;

/**
 * Text to token ids and back. {@link #encode} never adds special tokens (no BOS, no EOS): the chat
 * template decides where they go, so training, rewards and evaluation all see the same ids.
 */
public interface Tokenizer extends AutoCloseable {

  /** The ids of {@code text}, with no special tokens added. */
  int[] encode(String text);

  /**
   * As {@link #encode}, with the characters each token covers: the chat templates use them to
   * mark the tokens of assistant text in one tokenization of the whole rendered conversation.
   */
  TokenSpans encodeWithSpans(String text);

  /** The text of {@code ids}; special tokens are kept as their text. */
  String decode(int[] ids);

  /** One more than the largest id this tokenizer can produce. */
  int vocabSize();

  /** Beginning-of-sequence id, or -1 when the tokenizer has none. */
  int bosId();

  /** End-of-sequence id, or -1 when the tokenizer has none. */
  int eosId();

  /** Padding id, or -1 when the tokenizer has none. */
  int padId();

  /** The id of a special (added) token such as {@code <|im_start|>}, if this tokenizer has it. */
  OptionalInt tokenId(String specialToken);

  /** Releases native resources; a no-op for pure Java tokenizers. */
  @Override
  void close();
}
