package io.skillmix.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.eval.EvalReport;
import io.skillmix.eval.Evaluation;
import io.skillmix.metrics.MetricsSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PeriodicEvaluationTest {

  @Test
  void evaluationsFallAtZeroEveryNStepsAndAtTheEnd() {
    List<Long> due = new ArrayList<>();
    for (long step = 0; step <= 250; step++) {
      if (PeriodicEvaluation.due(step, 100, 250)) {
        due.add(step);
      }
    }
    assertEquals(List.of(0L, 100L, 200L, 250L), due);
    assertFalse(PeriodicEvaluation.due(0, 0, 250), "0: off");
    assertFalse(PeriodicEvaluation.due(250, 0, 250), "0: off, also at the end");
  }

  @Test
  void aLineHasTheHeldOutLossByDatasetAndOnTheBuiltinMixEachSkillsScore() {
    List<EvalReport.Row> rows = new ArrayList<>(List.of(
        new EvalReport.Row("heldout/math", "loss", 2.0, 100), new EvalReport.Row("heldout/math", "perplexity", 7.39, 100),
        new EvalReport.Row("heldout/writing", "loss", 1.0, 50), new EvalReport.Row("heldout/writing", "perplexity", 4.0, 50),
        new EvalReport.Row("math", "exact_match", 0.25, 8), new EvalReport.Row("definitions", "accuracy", 0.5, 8),
        new EvalReport.Row("nlp", "accuracy", 0.75, 8)));
    rows.add(Evaluation.overall(rows));
    MetricsSink.Evaluated line = PeriodicEvaluation.evaluated(300, rows, 1.5);
    assertEquals(300, line.step());
    assertEquals(Map.of("math", 2.0, "writing", 1.0), line.heldOutLoss());
    assertEquals(List.of("math", "definitions", "nlp", "writing", "overall"), List.copyOf(line.scores().keySet()));
    assertEquals(25.0, line.scores().get("math"), 1e-12);
    assertEquals(75.0, line.scores().get("nlp"), 1e-12);
    assertEquals(25.0, line.scores().get("writing"), 1e-12, "100 / perplexity");
    assertEquals((25 + 50 + 75 + 25) / 4.0, line.scores().get("overall"), 1e-12);

    // A user's mix has no overall row: losses only, even for a dataset named like a skill.
    MetricsSink.Evaluated user = PeriodicEvaluation.evaluated(5, rows.subList(0, 4), 0.1);
    assertTrue(user.scores().isEmpty());
    assertEquals(Map.of("math", 2.0, "writing", 1.0), user.heldOutLoss());
  }

  /** A stop request ends an evaluation between its items (issue 33 B8), with a note, not after all of them. */
  @Test
  void aStopRequestEndsTheEvaluationBetweenItems() {
    org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit kit =
        org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit.create();
    try {
      org.apache.pekko.actor.testkit.typed.javadsl.TestProbe<MetricsSink.Command> sink = kit.createTestProbe();
      java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
      List<String> ran = new ArrayList<>();
      EvalReport.Row row = new EvalReport.Row("heldout/a", "loss", 1.0, 1);
      io.skillmix.eval.EvaluationTasks tasks = io.skillmix.eval.EvaluationTasks.of(List.of(
          new io.skillmix.eval.EvaluationTasks.Task("heldout/a", 1, lm -> {
            ran.add("a");
            stop.set(true); // SIGTERM arrives while the first task runs
            return List.of(row);
          }),
          new io.skillmix.eval.EvaluationTasks.Task("heldout/b", 1, lm -> {
            ran.add("b");
            return List.of(row);
          })), false);
      new PeriodicEvaluation(new PeriodicEvaluation.Plan(5, 100, tasks, 1, stop::get), sink.ref()).after(5, null);
      assertEquals(List.of("a"), ran);
      MetricsSink.Note note = sink.expectMessageClass(MetricsSink.Note.class);
      assertEquals("eval_stopped", note.event());
    } finally {
      kit.shutdownTestKit();
    }
  }

  @Test
  void aStopRequestWhileOneTaskRunsEndsThatTaskBetweenItsChunks() {
    org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit kit =
        org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit.create();
    try {
      org.apache.pekko.actor.testkit.typed.javadsl.TestProbe<MetricsSink.Command> sink = kit.createTestProbe();
      java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
      // One multiple-choice task of 300 questions: two chunks for its scorer (256 questions, then 44).
      List<io.skillmix.eval.MultipleChoice.Question> questions = new ArrayList<>();
      for (int q = 0; q < 300; q++) {
        questions.add(new io.skillmix.eval.MultipleChoice.Question("q" + q + "?", List.of("yes", "no"), 0, ""));
      }
      List<Integer> scored = new ArrayList<>();
      io.skillmix.eval.MultipleChoice.Scorer scorer = examples -> {
        scored.add(examples.size());
        stop.set(true); // SIGTERM arrives while the first chunk is scored
        return new io.skillmix.eval.LogLikelihood.Scores(new double[examples.size()], new int[examples.size()]);
      };
      io.skillmix.data.tokenizer.ExampleEncoder encoder = new io.skillmix.data.tokenizer.ExampleEncoder(
          io.skillmix.data.tokenizer.ChatTemplate.VICUNA, new io.skillmix.data.tokenizer.ByteTokenizer(), 4096,
          io.skillmix.data.tokenizer.ExampleEncoder.Overlength.TRUNCATE);
      io.skillmix.eval.EvaluationTasks tasks = io.skillmix.eval.EvaluationTasks.of(List.of(
          new io.skillmix.eval.EvaluationTasks.Task("mc", questions.size(), lm -> {
            io.skillmix.eval.MultipleChoice.evaluate(scorer, encoder, questions,
                new io.skillmix.eval.MultipleChoice.Settings(io.skillmix.eval.MultipleChoice.AnswerForm.TEXT,
                    io.skillmix.eval.MultipleChoice.Normalisation.SUM, 8));
            return List.of(new EvalReport.Row("mc", "accuracy", 1.0, questions.size()));
          })), false);
      new PeriodicEvaluation(new PeriodicEvaluation.Plan(5, 100, tasks, 1, stop::get), sink.ref()).after(5, null);
      assertEquals(List.of(256 * 2), scored, "the first chunk's candidates only");
      MetricsSink.Note note = sink.expectMessageClass(MetricsSink.Note.class);
      assertEquals("eval_stopped", note.event());
    } finally {
      kit.shutdownTestKit();
    }
  }
}
