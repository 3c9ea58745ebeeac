package io.skillmix.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.data.Conversation;
import io.skillmix.data.TokenizedExample;
import io.skillmix.data.tokenizer.ByteTokenizer;
import io.skillmix.data.tokenizer.ChatTemplate;
import io.skillmix.data.tokenizer.ExampleEncoder;
import io.skillmix.eval.MultipleChoice.AnswerForm;
import io.skillmix.eval.MultipleChoice.Normalisation;
import io.skillmix.eval.MultipleChoice.Question;
import io.skillmix.eval.MultipleChoice.Settings;
import io.skillmix.model.LanguageModel;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MultipleChoiceTest {

  private static final ByteTokenizer TOKENIZER = new ByteTokenizer();

  private static final List<Question> QUESTIONS = List.of(
      new Question("2 + 2 = ?", List.of("3", "4", "5", "22"), 1, "arithmetic"),
      new Question("Capital of France?", List.of("Paris", "Rome", "Oslo", "Bern"), 0, "geography"),
      new Question("Largest planet?", List.of("Mars", "Venus", "Earth", "Jupiter"), 3, "astronomy"),
      new Question("3 × 3 = ?", List.of("6", "9", "33", "0"), 1, "arithmetic"));

  /** The answer text of a candidate: its target tokens, decoded. */
  private static String answerOf(TokenizedExample e) {
    int from = 0;
    while (!e.target()[from]) {
      from++;
    }
    return TOKENIZER.decode(Arrays.copyOfRange(e.ids(), from, e.length()));
  }

  /** A scorer that knows the answers: the right option gets log-likelihood 0, others -5. */
  private static MultipleChoice.Scorer oracle(List<String> rightAnswers) {
    return examples -> {
      double[] sums = new double[examples.size()];
      int[] counts = new int[examples.size()];
      for (int i = 0; i < examples.size(); i++) {
        String answer = answerOf(examples.get(i));
        sums[i] = rightAnswers.contains(answer) ? 0 : -5;
        counts[i] = answer.length();
      }
      return new LogLikelihood.Scores(sums, counts);
    };
  }

  @Test
  void choosesTheHighestScoreUnderEachNormalisation() {
    double[] sums = {-6, -4, -9, -4};
    int[] tokens = {6, 2, 18, 3};
    int[] characters = {3, 4, 36, 2};
    assertEquals(1, MultipleChoice.choose(sums, tokens, characters, Normalisation.SUM)); // tie → first
    assertEquals(2, MultipleChoice.choose(sums, tokens, characters, Normalisation.PER_TOKEN));
    assertEquals(2, MultipleChoice.choose(sums, tokens, characters, Normalisation.PER_CHARACTER));
    assertEquals(0, MultipleChoice.choose(sums, new int[] {6, 2, 3, 3},
        new int[] {30, 4, 3, 2}, Normalisation.PER_CHARACTER));
    assertEquals(0, MultipleChoice.choose(new double[] {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY},
        new int[] {1, 1}, new int[] {1, 1}, Normalisation.SUM));
  }

  @Test
  void picksTheOptionTheScorerPrefersAndTalliesBySubjectAndCategory() {
    Settings text = new Settings(AnswerForm.TEXT, Normalisation.SUM, 8);
    MultipleChoice.Result r = MultipleChoice.evaluate(oracle(List.of("4", "Paris", "Jupiter", "6")), EvalFixtures.encoder(ChatTemplate.VICUNA), QUESTIONS, text);
    assertArrayEquals(new int[] {1, 0, 3, 0}, r.predictions()); // the oracle is wrong on the last
    assertEquals(0.75, r.accuracy(), 1e-12);
    assertEquals(new MultipleChoice.Tally(1, 2), r.bySubject().get("arithmetic"));
    assertEquals(new MultipleChoice.Tally(1, 1), r.bySubject().get("astronomy"));

    CategoryMapping mapping = CategoryMapping.of(Map.of("STEM", List.of("arithmetic", "astronomy")));
    Map<String, MultipleChoice.Tally> byCategory = r.byCategory(mapping);
    assertEquals(new MultipleChoice.Tally(2, 3), byCategory.get("STEM"));
    assertEquals(new MultipleChoice.Tally(1, 1), byCategory.get(CategoryMapping.OTHER));
    List<EvalReport.Row> rows = r.rows("quiz", mapping);
    assertEquals(new EvalReport.Row("quiz", "accuracy", 0.75, 4), rows.get(0));
    assertEquals(new EvalReport.Row("quiz/STEM", "accuracy", 2 / 3.0, 3), rows.get(2));

    // With letters as answers the same oracle, told the right letters, is always right.
    MultipleChoice.Result letters = MultipleChoice.evaluate(oracle(List.of("B")), EvalFixtures.encoder(ChatTemplate.VICUNA), List.of(QUESTIONS.get(0), QUESTIONS.get(3)), Settings.mmlu(8));
    assertEquals(1.0, letters.accuracy());
  }

  @Test
  void candidatesAreTheTemplatePrefixThenTheAnswerAsTheOnlyTargets() {
    Question q = QUESTIONS.get(1);
    String prompt = MultipleChoice.prompt(q);
    assertEquals("The following is a multiple choice question about geography.\n\n"
        + "Capital of France?\nA. Paris\nB. Rome\nC. Oslo\nD. Bern\nAnswer:", prompt);
    for (ChatTemplate template : List.of(ChatTemplate.VICUNA, ChatTemplate.CHATML)) {
      List<TokenizedExample> candidates =
          MultipleChoice.candidates(q, EvalFixtures.encoder(template), AnswerForm.TEXT);
      assertEquals(4, candidates.size());
      TokenizedExample rome = candidates.get(1);
      TokenizedExample trained = template.encode(Conversation.of(prompt, "Rome"), TOKENIZER);
      int n = rome.length();
      // The same ids and targets as training uses, up to the end-of-turn marker that follows.
      assertArrayEquals(Arrays.copyOf(trained.ids(), n), rome.ids());
      assertArrayEquals(Arrays.copyOf(trained.target(), n), rome.target());
      int[] eot = template.endOfTurnIds(TOKENIZER);
      assertArrayEquals(eot, Arrays.copyOfRange(trained.ids(), n, n + eot.length));
      assertEquals("Rome", answerOf(rome));
      assertEquals(4, rome.targetCount());
    }
    TokenizedExample letterC =
        MultipleChoice.candidates(q, EvalFixtures.encoder(ChatTemplate.VICUNA), AnswerForm.LETTER).get(2);
    assertEquals("C", answerOf(letterC));
    assertEquals(1, letterC.targetCount());
    assertThrows(IllegalArgumentException.class,
        () -> new Question("q", List.of("a", "b"), 2, "s"));
  }

  @Test
  void overLongCandidatesAreCutFromThePromptSideByTheTrainingRule() {
    Question long_ = new Question("why? ".repeat(40), List.of("yes", "no"), 0, "");
    ExampleEncoder roomy = EvalFixtures.encoder(ChatTemplate.VICUNA);
    for (ExampleEncoder.Overlength policy : ExampleEncoder.Overlength.values()) {
      ExampleEncoder tight = new ExampleEncoder(ChatTemplate.VICUNA, TOKENIZER, 64, policy);
      List<TokenizedExample> whole = MultipleChoice.candidates(long_, roomy, AnswerForm.TEXT);
      List<TokenizedExample> cut = MultipleChoice.candidates(long_, tight, AnswerForm.TEXT);
      for (int o = 0; o < 2; o++) {
        TokenizedExample full = whole.get(o);
        assertTrue(full.length() > 64);
        // Training's rule: the last max-length tokens, so the answer and its targets stay whole.
        assertEquals(64, cut.get(o).length());
        assertArrayEquals(Arrays.copyOfRange(full.ids(), full.length() - 64, full.length()), cut.get(o).ids());
        assertArrayEquals(Arrays.copyOfRange(full.target(), full.length() - 64, full.length()), cut.get(o).target());
        assertEquals(long_.options().get(o), answerOf(cut.get(o)));
      }
      assertEquals(2, tight.truncated()); // counted as the run's encoder counts its cuts
    }
  }

  @Test
  void endToEndWithAModelChoosesTheLikeliestOption() {
    // Short prompts keep the forward passes cheap: Llama 3's template has no default system turn.
    List<Question> questions = List.of(
        new Question("2+2?", List.of("3", "4", "five", "22"), 1, ""),
        new Question("Sky?", List.of("blue", "green", "red"), 0, ""));
    ChatTemplate template = ChatTemplate.LLAMA3;
    try (LanguageModel model = EvalFixtures.model(21)) {
      for (Settings settings : List.of(new Settings(AnswerForm.TEXT, Normalisation.PER_TOKEN, 3),
          Settings.mmlu(8))) {
        MultipleChoice.Result r =
            MultipleChoice.evaluate(model, EvalFixtures.INPUTS, EvalFixtures.encoder(template), questions, settings);
        assertTrue(r.accuracy() >= 0 && r.accuracy() <= 1);
        assertEquals(questions.size(), r.overall().total());
        // The choice is the argmax of the shared scoring path, question by question.
        for (int k = 0; k < questions.size(); k++) {
          List<TokenizedExample> c =
              MultipleChoice.candidates(questions.get(k), EvalFixtures.encoder(template), settings.form());
          LogLikelihood.Scores s = LogLikelihood.score(model, EvalFixtures.INPUTS, c, 4);
          int[] chars = c.stream().mapToInt(e -> answerOf(e).length()).toArray();
          int expected = MultipleChoice.choose(s.logProbSums(), s.counts(), chars,
              settings.normalisation());
          assertEquals(expected, r.predictions()[k], "question " + k);
        }
      }
    }
  }
}
