package io.skillmix.data.tokenizer.jinja;

import java.util.Locale;

/**
 * The bounds of one rendering. A chat template comes from a download: it is untrusted code, so
 * whatever it does ends within these bounds, with a {@link TemplateError.Kind#BOUND} error naming
 * the bound. They are far above what real templates use (a Llama-3.1 or Qwen3 rendering of a
 * 20-turn conversation takes a few thousand steps and writes each message once or twice).
 *
 * <ul>
 *   <li>{@code steps}: evaluation steps (every expression, statement, loop iteration and item a
 *       filter visits counts one); three nested {@code range(1000)} loops end here at once.
 *   <li>{@code chars}: the most characters of any string the template makes, and of its output:
 *       {@link #CHARS_BASE} plus {@link #CHARS_PER_INPUT_CHAR} times the characters of its input
 *       (the messages and special tokens), since a template writes its input a few times at most.
 *   <li>{@code allocated}: all characters and items made during the rendering, {@link
 *       #ALLOCATED_FACTOR} times {@code chars}: this bounds memory, however strings are kept.
 *   <li>{@code items}: the most items of any list or dict it makes ({@code range} is capped at
 *       100,000 as Jinja2's sandbox caps it).
 *   <li>{@code depth}: nesting of macro calls, recursive loops and values.
 * </ul>
 */
public record Limits(long steps, long chars, long allocated, long items, int depth) {

  public static final long STEPS = 2_000_000;
  public static final long CHARS_BASE = 1 << 20;
  public static final int CHARS_PER_INPUT_CHAR = 16;
  public static final int ALLOCATED_FACTOR = 32;
  public static final long ITEMS_BASE = 100_000;
  public static final int DEPTH = 64;
  /** The longest template source accepted, in characters (real ones are under 20 KB). */
  public static final int SOURCE_CHARS = 1 << 20;
  /** How deeply blocks and expressions may nest in the source. */
  public static final int PARSE_DEPTH = 100;

  /** The bounds for a rendering whose input holds {@code inputChars} characters and {@code inputItems} values. */
  public static Limits forInput(long inputChars, long inputItems) {
    long chars = CHARS_BASE + CHARS_PER_INPUT_CHAR * inputChars;
    return new Limits(STEPS, chars, ALLOCATED_FACTOR * chars, ITEMS_BASE + inputItems, DEPTH);
  }

  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
