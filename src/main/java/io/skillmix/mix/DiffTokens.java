package io.skillmix.mix;

import io.skillmix.data.TokenizedExample;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The tokens the Diff reward's perplexities are over ({@code mix.diff.tokens}). The paper's Eq. 10
 * speaks of the response; the official code scores the whole sequence (its {@code compute_ppl}
 * passes {@code labels = input_ids}: every token of the templated example after the first,
 * instruction included).
 */
public enum DiffTokens {
  /** The response tokens only, as the training loss counts them (the paper's wording; the default). */
  RESPONSE,
  /** Every token after the first: template and instruction too (the official code). */
  SEQUENCE;

  /** The examples as this choice scores them: unchanged for response, every token a target for sequence. */
  public List<TokenizedExample> scored(List<TokenizedExample> examples) {
    if (this == RESPONSE) {
      return examples;
    }
    return examples.stream().map(DiffTokens::wholeSequence).toList();
  }

  private static TokenizedExample wholeSequence(TokenizedExample e) {
    boolean[] all = new boolean[e.length()];
    Arrays.fill(all, true);
    return new TokenizedExample(e.ids(), all);
  }

  /** Its value in {@code mix.diff.tokens}. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The choice called {@code value}, or a UserError naming {@code key} and the choices. */
  public static DiffTokens parse(String key, String value) {
    return Choices.parse(key, value, values());
  }
}
