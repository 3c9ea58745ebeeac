package io.skillmix.data.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MathProblemsTest {

  private static final Pattern LINE_STEP = Pattern.compile("(\\d+) ([+−×÷]) (\\d+) = (\\d+)");

  @Test
  void everyAnswerIsRightByTheNumbersAndByTheText() {
    MathProblems generator = new MathProblems(3);
    Set<Integer> operationCounts = new HashSet<>();
    Set<Character> ops = new HashSet<>();
    for (int i = 0; i < 3000; i++) {
      MathProblem p = generator.next();
      List<MathProblem.Step> steps = p.steps();
      operationCounts.add(steps.size());
      assertTrue(steps.size() >= 1 && steps.size() <= 3, p::question);
      for (int s = 0; s < steps.size(); s++) {
        MathProblem.Step step = steps.get(s);
        ops.add(step.op());
        assertTrue(step.isCorrect(), () -> "wrong step " + step + " in " + p);
        assertTrue(step.result() > 0);
        if (s > 0) {
          assertEquals(steps.get(s - 1).result(), step.left(), "steps chain");
        }
        // Every number the solution uses is in the question (or is an earlier result).
        assertTrue(p.question().contains(" " + step.right() + " ") || s == 0 && p.question().contains(" " + step.left() + " ")
            || p.question().contains(timesWord(step.right())), () -> "number not in question: " + p);
      }
      assertEquals(p.answer(), MathProblem.finalAnswer(p.conversation().lastResponse()));
      // Re-derive the answer from the text of the solution alone.
      Matcher m = LINE_STEP.matcher(p.solution());
      List<Long> results = new ArrayList<>();
      while (m.find()) {
        long a = Long.parseLong(m.group(1));
        long b = Long.parseLong(m.group(3));
        long r = switch (m.group(2)) {
          case "+" -> a + b;
          case "−" -> a - b;
          case "×" -> a * b;
          default -> a / b;
        };
        assertEquals(r, Long.parseLong(m.group(4)), p::solution);
        results.add(r);
      }
      assertEquals(steps.size(), results.size(), p::solution);
      assertEquals(p.answer(), results.get(results.size() - 1));
      assertTrue(p.solution().endsWith("#### " + p.answer()));
    }
    assertEquals(Set.of(1, 2, 3), operationCounts);
    assertEquals(Set.of('+', '−', '×', '÷'), ops);
  }

  private static String timesWord(long b) {
    return switch ((int) b) {
      case 2 -> "twice";
      case 3 -> "three times";
      case 4 -> "four times";
      default -> "five times";
    };
  }

  @Test
  void sameSeedSameProblems() {
    MathProblems a = new MathProblems(11);
    MathProblems b = new MathProblems(11);
    MathProblems c = new MathProblems(12);
    List<MathProblem> fromA = new ArrayList<>();
    List<MathProblem> fromC = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      MathProblem p = a.next();
      assertEquals(p, b.next());
      fromA.add(p);
      fromC.add(c.next());
    }
    assertNotEquals(fromA, fromC);
  }

  @Test
  void finalAnswerParsing() {
    assertEquals(42L, MathProblem.finalAnswer("steps\n#### 42"));
    assertEquals(1234L, MathProblem.finalAnswer("#### 1,234 apples"));
    assertEquals(null, MathProblem.finalAnswer("no answer"));
    assertTrue(new MathProblem.Step(12, '÷', 4, 3).isCorrect());
    assertTrue(!new MathProblem.Step(13, '÷', 4, 3).isCorrect());
  }
}
