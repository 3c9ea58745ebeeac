package io.skillmix.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.skillmix.data.TokenizedExample;
import io.skillmix.data.tokenizer.ByteTokenizer;
import io.skillmix.data.tokenizer.ChatTemplate;
import io.skillmix.model.LanguageModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A stop request that arrives while one evaluation task runs ends it between its batches, not
 * after all its items (issue 33 B8): the held-out loss and multiple-choice scoring
 * ({@link LogLikelihood}) and exact-match generation ({@link ExactMatch}).
 */
class EvalStopTest {

  private static LanguageModel model;

  @BeforeAll
  static void load() {
    model = EvalFixtures.model(5);
  }

  @AfterAll
  static void close() {
    model.close();
  }

  /**
   * The stop signal a run gives {@link EvalStop#watching}: asked before each batch, it is false
   * before the first and true from then on, as when SIGTERM comes while the first batch is worked on.
   */
  private static BooleanSupplier requestedDuringTheFirstBatch(AtomicInteger asked) {
    return () -> asked.incrementAndGet() > 1;
  }

  @Test
  void aStopWhileTheFirstBatchIsScoredEndsTheScoringBeforeTheSecond() {
    List<TokenizedExample> examples = new ArrayList<>();
    for (int k = 0; k < 4; k++) {
      examples.add(new TokenizedExample(new int[] {10 + k, 20, 30, 40}, new boolean[] {false, false, true, true}));
    }
    AtomicInteger asked = new AtomicInteger();
    assertThrows(EvalStop.Stopped.class, () -> EvalStop.watching(requestedDuringTheFirstBatch(asked),
        () -> LogLikelihood.score(model, EvalFixtures.INPUTS, examples, 1)));
    assertEquals(2, asked.get(), "asked before batch 1 and before batch 2, where it ended");
  }

  @Test
  void aStopWhileTheFirstBatchIsGeneratedEndsTheGenerationBeforeTheSecond() {
    List<String> questions = List.of("2+3?", "4-1?", "10/2?", "6*2?");
    AtomicInteger asked = new AtomicInteger();
    assertThrows(EvalStop.Stopped.class, () -> EvalStop.watching(requestedDuringTheFirstBatch(asked),
        () -> ExactMatch.generate(model, new ByteTokenizer(), ChatTemplate.VICUNA, questions,
            new ExactMatch.Settings(2, 1))));
    assertEquals(2, asked.get(), "asked before batch 1 and before batch 2, where it ended");
  }
}
