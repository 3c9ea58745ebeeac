package io.skillmix.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.skillmix.data.Conversation;
import io.skillmix.data.builtin.BuiltinDataset;
import io.skillmix.data.builtin.BuiltinMix;
import io.skillmix.data.builtin.WordNet;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuiltinTasksTest {

  @Test
  void definitionsBecomeFourWayChoicesAmongWordsOfTheSamePartOfSpeech() {
    BuiltinDataset definitions = BuiltinMix.build(42, 4000, 0.05).get("definitions");
    List<Conversation> heldOut = definitions.heldOut().subList(0, 30);
    List<MultipleChoice.Question> questions = BuiltinTasks.definitionsChoice(heldOut, 7);
    assertEquals(30, questions.size());
    WordNet wordNet = WordNet.load();
    for (int i = 0; i < questions.size(); i++) {
      MultipleChoice.Question q = questions.get(i);
      assertEquals(4, q.options().size());
      assertEquals(4, new HashSet<>(q.options()).size(), "distinct options");
      String answer = q.options().get(q.answer());
      assertEquals("Which word means: " + heldOut.get(i).lastResponse(), q.question());
      WordNet.Pos pos = wordNet.primarySense(answer).pos();
      for (String option : q.options()) {
        assertFalse(wordNet.senses(option, pos).isEmpty(), option + " is a " + pos.word());
      }
    }
    assertEquals(questions, BuiltinTasks.definitionsChoice(heldOut, 7), "same seed, same test");
  }

  @Test
  void nlpChoicesDrawDistractorsFromTheSameTask() {
    BuiltinDataset nlp = BuiltinMix.build(42, 4000, 0.05).get("nlp");
    List<Conversation> heldOut = nlp.heldOut();
    List<MultipleChoice.Question> questions = BuiltinTasks.nlpChoice(heldOut, 3);
    assertFalse(questions.isEmpty());
    java.util.Map<String, Conversation> byPrompt = new java.util.HashMap<>();
    heldOut.forEach(c -> byPrompt.put(c.firstPrompt(), c));
    for (MultipleChoice.Question q : questions) {
      assertEquals(4, new HashSet<>(q.options()).size());
      assertEquals(byPrompt.get(q.question()).lastResponse(), q.options().get(q.answer()));
    }
    // Part-of-speech questions have exactly the four parts of speech as options.
    MultipleChoice.Question pos = questions.stream()
        .filter(q -> q.options().contains("noun") && q.options().contains("verb")).findFirst().orElseThrow();
    assertEquals(new HashSet<>(List.of("noun", "verb", "adjective", "adverb")), new HashSet<>(pos.options()));
  }

  @Test
  void perplexityBecomesAScoreOutOfAHundred() {
    assertEquals(100.0, BuiltinTasks.perplexityScore(1.0), 0);
    assertEquals(10.0, BuiltinTasks.perplexityScore(10.0), 1e-12);
  }
}
