package io.skillmix.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.data.tokenizer.ByteTokenizer;
import io.skillmix.data.tokenizer.ChatTemplate;
import io.skillmix.eval.ExactMatch.Problem;
import io.skillmix.model.LanguageModel;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExactMatchTest {

  private static Optional<BigDecimal> n(String s) {
    return Optional.of(new BigDecimal(s));
  }

  @Test
  void readsTheNumberAfterTheLastMarkerElseTheLastNumber() {
    assertEquals(n("1234"), ExactMatch.finalNumber("So the total is 1,234.\n#### 1,234"));
    assertEquals(n("-5"), ExactMatch.finalNumber("She is short by 5.\n#### -5"));
    assertEquals(n("-7"), ExactMatch.finalNumber("#### \u22127")); // Unicode minus
    assertEquals(n("2.5"), ExactMatch.finalNumber("#### 2.50 dollars"));
    assertEquals(n("9"), ExactMatch.finalNumber("#### 3 was wrong #### 9"));
    assertEquals(n("42"), ExactMatch.finalNumber("First 7, then 12, so the answer is 42."));
    assertEquals(n("1000000"), ExactMatch.finalNumber("It costs $1,000,000"));
    assertEquals(n("5"), ExactMatch.finalNumber("7 \u2212 2 = 5")); // a spaced minus is an operator
    assertEquals(Optional.empty(), ExactMatch.finalNumber("I do not know."));
    assertEquals(Optional.empty(), ExactMatch.finalNumber("It is 12 #### none"));
    assertEquals(n("18"), ExactMatch.referenceNumber("16 + 2 = 18\n#### 18"));
    assertEquals(Optional.empty(), ExactMatch.referenceNumber("16 + 2 = 18"));
  }

  @Test
  void comparesNumericallyAndCountsMisses() {
    List<Problem> problems = List.of(
        new Problem("q1", "steps\n#### 1,234"),
        new Problem("q2", "#### 3"),
        new Problem("q3", "#### -2"),
        new Problem("q4", "#### 10"));
    List<String> outputs = List.of("... #### 1234", "The answer is 3.0", "#### 2", "no idea");
    ExactMatch.Result r = ExactMatch.evaluate(questions -> {
      assertEquals(List.of("q1", "q2", "q3", "q4"), questions);
      return outputs;
    }, problems);
    assertEquals(List.of(true, true, false, false),
        r.outcomes().stream().map(ExactMatch.Outcome::correct).toList());
    assertNull(r.outcomes().get(3).predicted());
    assertEquals(new BigDecimal("-2"), r.outcomes().get(2).expected());
    assertEquals(0.5, r.accuracy());
    assertEquals(new EvalReport.Row("gsm8k", "exact_match", 0.5, 4), r.rows("gsm8k").get(0));
    assertTrue(Double.isNaN(ExactMatch.evaluate(q -> List.of(), List.of()).accuracy()));
  }

  @Test
  void outputsAreCutAtTheEndOfTurnMarker() {
    assertArrayEquals(new int[] {1, 2}, ExactMatch.cutAt(new int[] {1, 2, 7, 8, 3}, new int[] {7, 8}));
    assertArrayEquals(new int[] {1, 7}, ExactMatch.cutAt(new int[] {1, 7}, new int[] {7, 8}));
    assertArrayEquals(new int[] {}, ExactMatch.cutAt(new int[] {258}, new int[] {258}));
  }

  @Test
  void endToEndGenerationRunsAndScores() {
    ByteTokenizer tokenizer = new ByteTokenizer();
    List<Problem> problems = List.of(new Problem("2+3?", "#### 5"),
        new Problem("4-1?", "4 - 1 = 3\n#### 3"), new Problem("10/2?", "#### 5"));
    // Llama 3's template: short prompts, and an end-of-turn marker spelled in several byte ids.
    ChatTemplate template = ChatTemplate.LLAMA3;
    try (LanguageModel model = EvalFixtures.model(31)) {
      ExactMatch.Result r = ExactMatch.evaluate(model, tokenizer, template, problems,
          new ExactMatch.Settings(5, 2));
      assertEquals(3, r.total());
      assertTrue(r.accuracy() >= 0 && r.accuracy() <= 1);
      for (ExactMatch.Outcome o : r.outcomes()) {
        assertFalse(o.output().contains("<|eot_id|>"), o.output());
        assertTrue(tokenizer.encode(o.output()).length <= 5);
      }
      // Batched generation answers as the prompt alone would.
      List<String> alone = ExactMatch.generate(model, tokenizer, template,
          List.of(problems.get(1).question()), new ExactMatch.Settings(5, 1));
      assertEquals(alone.get(0), r.outcomes().get(1).output());
    }
  }
}
