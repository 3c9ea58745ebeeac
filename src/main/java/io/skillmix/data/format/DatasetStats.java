package io.skillmix.data.format;

import io.skillmix.data.Conversation;
import io.skillmix.data.Role;
import io.skillmix.data.Turn;
import java.util.Locale;
import java.util.Map;

/**
 * The counts of Table 1 of the MoS paper for one dataset: examples, turns, words, and the mean
 * instruction and response lengths in words (split on whitespace). The instruction is every
 * user turn of an example, the response every assistant turn; system turns count only in words.
 * {@code data check} and {@code data stats} both count with this class.
 */
public final class DatasetStats {

  private long examples;
  private long turns;
  private long words;
  private long instructionWords;
  private long responseWords;

  public void add(Conversation conversation) {
    examples++;
    for (Turn turn : conversation.turns()) {
      turns++;
      long n = countWords(turn.text());
      words += n;
      if (turn.role() == Role.USER) {
        instructionWords += n;
      } else if (turn.role() == Role.ASSISTANT) {
        responseWords += n;
      }
    }
  }

  public static DatasetStats of(Iterable<Conversation> conversations) {
    DatasetStats stats = new DatasetStats();
    conversations.forEach(stats::add);
    return stats;
  }

  public long examples() {
    return examples;
  }

  public long turns() {
    return turns;
  }

  public long words() {
    return words;
  }

  public double meanTurns() {
    return mean(turns);
  }

  /** Mean words of the user turns per example. */
  public double meanInstructionWords() {
    return mean(instructionWords);
  }

  /** Mean words of the assistant turns per example. */
  public double meanResponseWords() {
    return mean(responseWords);
  }

  private double mean(long total) {
    return examples == 0 ? 0 : (double) total / examples;
  }

  /** Number of whitespace-separated words. */
  public static long countWords(String text) {
    long n = 0;
    boolean inWord = false;
    for (int i = 0; i < text.length(); i++) {
      boolean space = Character.isWhitespace(text.charAt(i));
      if (!space && !inWord) {
        n++;
      }
      inWord = !space;
    }
    return n;
  }

  /** One row per named dataset, aligned, in the map's order. */
  public static String table(Map<String, DatasetStats> rows) {
    int nameWidth = "dataset".length();
    for (String name : rows.keySet()) {
      nameWidth = Math.max(nameWidth, name.length());
    }
    String row = "%-" + nameWidth + "s  %9s  %9s  %10s  %11s  %16s  %13s%n";
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, row, "dataset", "examples", "turns", "turns/ex",
        "words", "instruction len", "response len"));
    for (Map.Entry<String, DatasetStats> e : rows.entrySet()) {
      DatasetStats s = e.getValue();
      out.append(String.format(Locale.ROOT, row, e.getKey(), s.examples, s.turns,
          String.format(Locale.ROOT, "%.2f", s.meanTurns()), s.words,
          String.format(Locale.ROOT, "%.1f", s.meanInstructionWords()),
          String.format(Locale.ROOT, "%.1f", s.meanResponseWords())));
    }
    return out.toString();
  }
}
