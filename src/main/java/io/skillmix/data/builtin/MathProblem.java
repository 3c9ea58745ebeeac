package io.skillmix.data.builtin;

import io.skillmix.data.Conversation;
import java.util.List;

/**
 * An arithmetic word problem with its worked solution. The steps are kept as numbers so the
 * answer can be checked without reading the text; the solution ends with {@code #### answer},
 * the GSM8K convention that evaluation matches.
 */
public record MathProblem(String question, List<Step> steps, String solution) {

  /** One operation of the solution: {@code left op right = result}, op one of + − × ÷. */
  public record Step(long left, char op, long right, long result) {

    /** Whether {@code result} is what the operation gives (exactly, for division). */
    public boolean isCorrect() {
      return switch (op) {
        case '+' -> left + right == result;
        case '−' -> left - right == result;
        case '×' -> left * right == result;
        case '÷' -> right != 0 && left % right == 0 && left / right == result;
        default -> false;
      };
    }
  }

  public MathProblem {
    steps = List.copyOf(steps);
  }

  public long answer() {
    return steps.get(steps.size() - 1).result();
  }

  public Conversation conversation() {
    return Conversation.of(question, solution);
  }

  /** The number after the last {@code ####} of a solution text, or {@code null} if none. */
  public static Long finalAnswer(String solution) {
    int at = solution.lastIndexOf("####");
    if (at < 0) {
      return null;
    }
    String rest = solution.substring(at + 4).trim().replace(",", "");
    try {
      return Long.parseLong(rest.split("\\s+")[0]);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
