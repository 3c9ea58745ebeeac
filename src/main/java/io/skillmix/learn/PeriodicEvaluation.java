package io.skillmix.learn;

import io.skillmix.eval.EvalReport;
import io.skillmix.eval.Evaluation;
import io.skillmix.eval.EvaluationTasks;
import io.skillmix.metrics.MetricsSink;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.TorchThreads;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Evaluation during training ({@code eval.every}, as nanoGPT's {@code eval_interval}): before the
 * first step, every N steps and after the last one, the learner's own model is scored on the
 * held-out examples and skill tasks prepared once before the run starts, and each result is an
 * {@code eval} line of {@code metrics.jsonl}. It runs on the learner's thread between two steps,
 * with no gradients and no random draws, so training goes on exactly as it would without it; a
 * resumed run evaluates at the same steps as the uninterrupted one, on the same weights.
 */
public final class PeriodicEvaluation {

  /**
   * @param every steps between evaluations (0: none)
   * @param steps the run's steps: the last evaluation comes after the last step
   * @param tasks what is scored, prepared before the learner starts
   * @param threads torch intra-op threads, as the learner's steps
   * @param stop whether a stop was requested (Ctrl-C, SIGTERM): seen between batches of items,
   *     since the learner's own stop message waits until the evaluation returns
   */
  public record Plan(int every, long steps, EvaluationTasks tasks, int threads, java.util.function.BooleanSupplier stop) {

    /** A plan that runs every evaluation to its end. */
    public Plan(int every, long steps, EvaluationTasks tasks, int threads) {
      this(every, steps, tasks, threads, () -> false);
    }
  }

  private final Plan plan;
  private final ActorRef<MetricsSink.Command> metrics;

  /** @param plan null: no evaluation during training */
  PeriodicEvaluation(Plan plan, ActorRef<MetricsSink.Command> metrics) {
    this.plan = plan;
    this.metrics = metrics;
  }

  /** Scores {@code model} and writes the line if an evaluation falls after {@code step} steps. */
  /** The evaluation before the first step of a fresh run (a resumed run has it in its metrics already). */
  void atStart(boolean freshRun, LanguageModel model) {
    if (freshRun) {
      after(0, model);
    }
  }

  void after(long step, LanguageModel model) {
    if (plan == null || !due(step, plan.every(), plan.steps())) {
      return;
    }
    TorchThreads.pin(plan.threads());
    long start = System.nanoTime();
    List<EvalReport.Row> rows;
    try {
      rows = io.skillmix.eval.EvalStop.watching(plan.stop(), () -> plan.tasks().run(model));
    } catch (io.skillmix.eval.EvalStop.Stopped e) {
      // The run stops after this step: its evaluation is given up, not waited for (a resume does not redo it).
      metrics.tell(new MetricsSink.Note(step, "eval_stopped", "the evaluation at step " + step
          + " was given up for the stop request"));
      return;
    } catch (RuntimeException e) {
      // A measurement that fails (memory on a device, say) costs that line, not the training.
      metrics.tell(new MetricsSink.Note(step, "eval_failed", "no evaluation at step " + step + ": " + e));
      return;
    }
    metrics.tell(evaluated(step, rows, (System.nanoTime() - start) / 1e9));
  }

  /** Whether an evaluation falls after {@code step} steps: at 0, every {@code every}, and at the end. */
  static boolean due(long step, int every, long steps) {
    return every > 0 && (step % every == 0 || step == steps);
  }

  /**
   * The metrics line of one evaluation: held-out loss by dataset, and on the built-in mix (whose
   * rows end with the overall score) each skill's score on 0–100, named as the skill.
   */
  static MetricsSink.Evaluated evaluated(long step, List<EvalReport.Row> rows, double seconds) {
    Map<String, Double> loss = new LinkedHashMap<>();
    for (EvalReport.Row row : rows) {
      if (row.task().startsWith("heldout/") && row.metric().equals("loss")) {
        loss.put(row.task().substring("heldout/".length()), row.value());
      }
    }
    Map<String, Double> scores = new LinkedHashMap<>();
    EvalReport report = new EvalReport("learner", rows);
    double overall = report.value("overall", "score");
    if (rows.stream().anyMatch(r -> r.task().equals("overall"))) {
      for (String[] skill : Evaluation.SKILLS) {
        double value = report.value(skill[0], skill[1]);
        scores.put(skill[0].replace("heldout/", ""),
            Evaluation.skillScore(new EvalReport.Row(skill[0], skill[1], value, 0)));
      }
      scores.put("overall", overall);
    }
    return new MetricsSink.Evaluated(step, loss, scores, seconds);
  }
}
