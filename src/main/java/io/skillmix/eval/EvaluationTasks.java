package io.skillmix.eval;

import io.skillmix.data.TokenizedExample;
import io.skillmix.data.tokenizer.ChatTemplate;
import io.skillmix.data.tokenizer.ExampleEncoder;
import io.skillmix.data.tokenizer.Tokenizer;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelInputs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The tasks of an evaluation, prepared once (held-out examples encoded, multiple-choice questions
 * and math problems built) and then scored on any model: a model folder at the end of a run, or the
 * learner's model between steps, whose weights change from one call to the next. Nothing here
 * draws random numbers when it runs: the same weights always give the same rows.
 */
public final class EvaluationTasks {

  /** One unit of the evaluation, for a progress bar: its name, item count and what it computes. */
  public record Task(String name, long size, Function<LanguageModel, List<EvalReport.Row>> run) {}

  private final List<Task> tasks;
  private final boolean builtin;

  private EvaluationTasks(List<Task> tasks, boolean builtin) {
    this.tasks = List.copyOf(tasks);
    this.builtin = builtin;
  }

  /**
   * @param maxLength the longest an encoded example may be (longer ones are truncated from the
   *     prompt side, as {@code data.overlength = truncate})
   */
  public static EvaluationTasks prepare(Tokenizer tokenizer, ChatTemplate template, int maxLength,
      Evaluation.Inputs inputs, Evaluation.Options options) {
    ExampleEncoder encoder = new ExampleEncoder(template, tokenizer, maxLength, ExampleEncoder.Overlength.TRUNCATE);
    ModelInputs rows = ModelInputs.padded(ModelInputs.padIdOf(tokenizer));
    List<Task> tasks = new ArrayList<>();
    for (Evaluation.HeldOut set : inputs.sets()) {
      if (!set.examples().isEmpty()) {
        List<TokenizedExample> examples = limited(set.examples(), options).stream().map(encoder).toList();
        tasks.add(new Task("heldout/" + set.name(), examples.size(),
            lm -> HeldOutLoss.evaluate(lm, rows, Map.of(set.name(), examples), options.batchSize()).get(0).rows()));
      }
    }
    ExactMatch.Settings generation = new ExactMatch.Settings(options.maxNewTokens(), options.batchSize());
    MultipleChoice.Settings choice = new MultipleChoice.Settings(
        MultipleChoice.AnswerForm.TEXT, MultipleChoice.Normalisation.PER_CHARACTER, options.batchSize());
    for (Evaluation.HeldOut set : inputs.builtin() ? inputs.sets() : List.<Evaluation.HeldOut>of()) {
      long seed = inputs.seed();
      switch (set.name()) {
        case "math" -> {
          List<ExactMatch.Problem> problems = limited(set.examples(), options).stream()
              .map(c -> new ExactMatch.Problem(c.firstPrompt(), c.lastResponse())).toList();
          tasks.add(new Task("math", problems.size(),
              lm -> ExactMatch.evaluate(lm, tokenizer, template, problems, generation).rows("math")));
        }
        case "definitions" -> {
          // Which word has this gloss: the whole option is scored, per character (acc_norm).
          List<MultipleChoice.Question> questions = BuiltinTasks.definitionsChoice(limited(set.examples(), options), seed);
          tasks.add(new Task("definitions", questions.size(),
              lm -> MultipleChoice.evaluate(lm, rows, encoder, questions, choice).rows("definitions", null)));
        }
        case "nlp" -> {
          List<MultipleChoice.Question> questions = BuiltinTasks.nlpChoice(limited(set.examples(), options), seed);
          tasks.add(new Task("nlp", questions.size(),
              lm -> MultipleChoice.evaluate(lm, rows, encoder, questions, choice).rows("nlp", null)));
        }
        default -> { }
      }
    }
    if (options.mmlu() != null) {
      CategoryMapping mapping = options.mmluCategories() == null ? null : CategoryMapping.read(options.mmluCategories());
      List<MultipleChoice.Question> questions = limited(MmluReader.readFolder(options.mmlu()), options);
      tasks.add(new Task("mmlu", questions.size(), lm -> MultipleChoice.evaluate(lm, rows, encoder,
          questions, MultipleChoice.Settings.mmlu(options.batchSize())).rows("mmlu", mapping)));
    }
    if (options.gsm8k() != null) {
      List<ExactMatch.Problem> problems = limited(Gsm8kReader.read(options.gsm8k()), options);
      tasks.add(new Task("gsm8k", problems.size(),
          lm -> ExactMatch.evaluate(lm, tokenizer, template, problems, generation).rows("gsm8k")));
    }
    return new EvaluationTasks(tasks, inputs.builtin());
  }

  /** Tasks built elsewhere (a test's, say), run as {@link #prepare}'s are. */
  public static EvaluationTasks of(List<Task> tasks, boolean builtin) {
    return new EvaluationTasks(List.copyOf(tasks), builtin);
  }

  public List<Task> tasks() {
    return tasks;
  }

  /** Items over all tasks: 0 when there is nothing to evaluate. */
  public long size() {
    return tasks.stream().mapToLong(Task::size).sum();
  }

  /** Every task's rows on {@code lm}, and on the built-in mix the overall score after them. */
  public List<EvalReport.Row> run(LanguageModel lm) {
    List<EvalReport.Row> rows = new ArrayList<>();
    for (Task task : tasks) {
      EvalStop.check();
      rows.addAll(task.run().apply(lm));
    }
    return withOverall(rows);
  }

  /**
   * {@code rows} followed, on the built-in mix, by {@link Evaluation#overall}, and then, where there
   * are held-out losses, by {@link Evaluation#meanHeldOutLoss}.
   */
  public List<EvalReport.Row> withOverall(List<EvalReport.Row> rows) {
    EvalReport.Row mean = Evaluation.meanHeldOutLoss(rows);
    if (builtin) {
      rows.add(Evaluation.overall(rows));
    }
    if (mean.n() > 0) {
      rows.add(mean);
    }
    return rows;
  }

  private static <T> List<T> limited(List<T> all, Evaluation.Options options) {
    return options.limit() == 0 || all.size() <= options.limit() ? all : all.subList(0, options.limit());
  }

}
