package io.skillmix.eval;

import io.skillmix.UserError;
import ai.djl.Device;
import io.skillmix.data.tokenizer.ExampleEncoder;
import io.skillmix.data.TokenizedExample;
import io.skillmix.data.tokenizer.ChatTemplate;
import io.skillmix.data.tokenizer.Tokenizer;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelFolder;
import io.skillmix.model.ModelInputs;
import io.skillmix.model.TorchThreads;
import io.skillmix.data.Conversation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;

/**
 * Everything {@code skillmix eval} measures on one model folder, callable from {@code compare}:
 * held-out loss and perplexity per dataset; on the built-in mix, math exact match by generation,
 * definitions and nlp multiple choice and the overall score; MMLU and GSM8K files when given.
 */
public final class Evaluation {

  /**
   * @param limit examples per task at most; 0 for all
   * @param mmlu a folder of MMLU {@code <subject>_test.csv} files, or null
   * @param mmluCategories a category → subjects mapping file, or null
   * @param gsm8k a GSM8K JSONL file, or null
   * @param progress show a progress bar over the tasks on the console
   */
  public record Options(int limit, int batchSize, int maxNewTokens, Path mmlu, Path mmluCategories,
      Path gsm8k, boolean progress) {

    public static Options builtin(boolean progress) {
      return new Options(200, 16, 128, null, null, null, progress);
    }
  }

  /** One dataset's held-out examples. */
  public record HeldOut(String name, List<Conversation> examples) {}

  /**
   * What an evaluation reads of a run: its datasets' held-out examples, whether they are the
   * built-in skill mix (which adds its skill scores), and how the run encodes examples.
   *
   * @param chatTemplate {@code model.chat-template}
   * @param maxLength {@code data.max-length}
   * @param seed the run's seed (the order of multiple-choice options)
   * @param threads torch intra-op threads, as the learner's
   */
  public record Inputs(List<HeldOut> sets, boolean builtin, String chatTemplate, int maxLength, long seed,
      int threads) {}

  private Evaluation() {}

  /** Evaluates {@code model} on the held-out sets of a run. */
  public static EvalReport run(Path model, Inputs inputs, Options options) {
    TorchThreads.pin(inputs.threads()); // as the learner: a reward evaluator may have set fewer
    List<EvalReport.Row> rows = new ArrayList<>();
    try (LanguageModel lm = LanguageModel.load(model, Device.cpu());
        Tokenizer tokenizer = ModelFolder.tokenizer(model)) {
      ChatTemplate template = ChatTemplate.resolve(inputs.chatTemplate(), model);
      ExampleEncoder encoder = new ExampleEncoder(template, tokenizer,
          Math.min(inputs.maxLength(), lm.config().maxPositionEmbeddings()),
          ExampleEncoder.Overlength.TRUNCATE);
      boolean builtin = inputs.builtin();
      ModelInputs modelInputs = ModelInputs.padded(ModelInputs.padIdOf(tokenizer));
      List<Task> tasks = tasks(lm, modelInputs, encoder, inputs.sets(), builtin, inputs.seed(), options);
      long total = tasks.stream().mapToLong(Task::size).sum();
      if (total == 0) {
        throw new UserError("nothing to evaluate: the datasets have no held-out examples; give each a held-out"
            + " share (data.datasets = [{name = ..., path = ..., held-out = 0.05}]) or pass --gsm8k FILE / --mmlu DIR");
      }
      try (ProgressBar bar = io.skillmix.output.ConsoleBar.openOrNull(options.progress(), "eval", total)) {
        for (Task task : tasks) {
          if (bar != null) {
            bar.setExtraMessage(task.name());
          }
          rows.addAll(task.run().get());
          if (bar != null) {
            bar.stepBy(task.size());
          }
        }
      }
      if (builtin) {
        rows.add(overall(rows));
      }
    }
    return new EvalReport(model.toString(), rows);
  }

  /** One unit of the evaluation, for the progress bar: its name, item count and what it computes. */
  private record Task(String name, long size, java.util.function.Supplier<List<EvalReport.Row>> run) {}

  private static List<Task> tasks(LanguageModel lm, ModelInputs modelInputs, ExampleEncoder encoder,
      List<HeldOut> sets, boolean builtin, long seed, Options options) {
    Tokenizer tokenizer = encoder.tokenizer();
    ChatTemplate template = encoder.template();
    List<Task> tasks = new ArrayList<>();
    Map<String, List<TokenizedExample>> heldOut = new LinkedHashMap<>();
    for (HeldOut set : sets) {
      if (!set.examples().isEmpty()) {
        heldOut.put(set.name(), limited(set.examples(), options).stream().map(encoder).toList());
      }
    }
    for (Map.Entry<String, List<TokenizedExample>> e : heldOut.entrySet()) {
      tasks.add(new Task("heldout/" + e.getKey(), e.getValue().size(),
          () -> HeldOutLoss.evaluate(lm, modelInputs, Map.of(e.getKey(), e.getValue()), options.batchSize()).get(0).rows()));
    }
    ExactMatch.Settings generation = new ExactMatch.Settings(options.maxNewTokens(), options.batchSize());
    MultipleChoice.Settings choice = new MultipleChoice.Settings(
        MultipleChoice.AnswerForm.TEXT, MultipleChoice.Normalisation.PER_CHARACTER, options.batchSize());
    for (HeldOut set : builtin ? sets : List.<HeldOut>of()) {
      switch (set.name()) {
        case "math" -> {
          List<ExactMatch.Problem> problems = limited(set.examples(), options).stream()
              .map(c -> new ExactMatch.Problem(c.firstPrompt(), c.lastResponse())).toList();
          tasks.add(new Task("math", problems.size(),
              () -> ExactMatch.evaluate(lm, tokenizer, template, problems, generation).rows("math")));
        }
        case "definitions" -> {
          // Which word has this gloss: the whole option is scored, per character (acc_norm).
          List<MultipleChoice.Question> questions = BuiltinTasks.definitionsChoice(limited(set.examples(), options), seed);
          tasks.add(new Task("definitions", questions.size(),
              () -> MultipleChoice.evaluate(lm, modelInputs, encoder, questions, choice).rows("definitions", null)));
        }
        case "nlp" -> {
          List<MultipleChoice.Question> questions = BuiltinTasks.nlpChoice(limited(set.examples(), options), seed);
          tasks.add(new Task("nlp", questions.size(),
              () -> MultipleChoice.evaluate(lm, modelInputs, encoder, questions, choice).rows("nlp", null)));
        }
        default -> { }
      }
    }
    if (options.mmlu() != null) {
      CategoryMapping mapping = options.mmluCategories() == null ? null : CategoryMapping.read(options.mmluCategories());
      List<MultipleChoice.Question> questions = limited(MmluReader.readFolder(options.mmlu()), options);
      tasks.add(new Task("mmlu", questions.size(), () -> MultipleChoice.evaluate(lm, modelInputs, encoder,
          questions, MultipleChoice.Settings.mmlu(options.batchSize())).rows("mmlu", mapping)));
    }
    if (options.gsm8k() != null) {
      List<ExactMatch.Problem> problems = limited(Gsm8kReader.read(options.gsm8k()), options);
      tasks.add(new Task("gsm8k", problems.size(),
          () -> ExactMatch.evaluate(lm, tokenizer, template, problems, generation).rows("gsm8k")));
    }
    return tasks;
  }

  /** The skills of the built-in mix, each with the row that scores it. */
  public static final List<String[]> SKILLS = List.of(new String[] {"math", "exact_match"},
      new String[] {"definitions", "accuracy"}, new String[] {"nlp", "accuracy"},
      new String[] {"heldout/writing", "perplexity"});

  /**
   * One score for the built-in mix, as the paper averages its benchmarks: the mean, on 0–100, of
   * math exact match, definitions and nlp accuracy, and writing's held-out perplexity as
   * {@link BuiltinTasks#perplexityScore}. NaN unless all four are present.
   */
  public static EvalReport.Row overall(List<EvalReport.Row> rows) {
    double[] scores = new double[SKILLS.size()];
    int found = 0;
    for (EvalReport.Row row : rows) {
      for (int i = 0; i < SKILLS.size(); i++) {
        if (row.task().equals(SKILLS.get(i)[0]) && row.metric().equals(SKILLS.get(i)[1])) {
          scores[i] = skillScore(row);
          found++;
        }
      }
    }
    double mean = found == SKILLS.size() ? Arrays.stream(scores).average().orElse(Double.NaN) : Double.NaN;
    return new EvalReport.Row("overall", "score", mean, found);
  }

  /** A skill row on the 0–100 scale: accuracies ×100, perplexity through {@link BuiltinTasks#perplexityScore}. */
  public static double skillScore(EvalReport.Row row) {
    return row.metric().equals("perplexity") ? BuiltinTasks.perplexityScore(row.value()) : 100 * row.value();
  }

  private static <T> List<T> limited(List<T> all, Options options) {
    return options.limit() == 0 || all.size() <= options.limit() ? all : all.subList(0, options.limit());
  }
}
