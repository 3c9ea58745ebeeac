package io.skillmix.eval;

import io.skillmix.UserError;
import ai.djl.Device;
import io.skillmix.data.tokenizer.ChatTemplate;
import io.skillmix.data.tokenizer.Tokenizer;
import io.skillmix.model.AdapterFolder;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelFolder;
import io.skillmix.model.ModelInputs;
import io.skillmix.model.TorchThreads;
import io.skillmix.data.Conversation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
   * @param systemPrompt {@code model.system-prompt}
   * @param maxLength {@code data.max-length}
   * @param seed the run's seed (the order of multiple-choice options)
   * @param threads torch intra-op threads, as the learner's
   */
  public record Inputs(List<HeldOut> sets, boolean builtin, String chatTemplate, String systemPrompt, int maxLength, long seed,
      int threads) {}

  private Evaluation() {}

  /** Evaluates {@code model} on the held-out sets of a run. */
  public static EvalReport run(Path model, Inputs inputs, Options options) {
    return run(model, null, inputs, options);
  }

  /**
   * Evaluates {@code model}, with the LoRA adapter folder {@code adapter} on it when given (null: a
   * plain folder, or an adapter folder whose base_model_name_or_path is a folder here).
   */
  public static EvalReport run(Path model, Path adapter, Inputs inputs, Options options) {
    TorchThreads.pin(inputs.threads()); // as the learner: a reward evaluator may have set fewer
    List<EvalReport.Row> rows = new ArrayList<>();
    try (LanguageModel lm = AdapterFolder.open(model, adapter, Device.cpu());
        Tokenizer tokenizer = ModelFolder.tokenizer(model)) {
      ModelFolder.checkVocabulary(tokenizer, lm.config(), model);
      EvaluationTasks tasks = EvaluationTasks.prepare(tokenizer, ChatTemplate.resolve(inputs.chatTemplate(), model, inputs.systemPrompt()),
          Math.min(inputs.maxLength(), lm.config().maxPositionEmbeddings()), inputs, options);
      if (tasks.size() == 0) {
        throw new UserError("nothing to evaluate: the datasets have no held-out examples; give each a held-out"
            + " share (data.datasets = [{name = ..., path = ..., held-out = 0.05}]) or pass --gsm8k FILE / --mmlu DIR");
      }
      try (ProgressBar bar = io.skillmix.output.ConsoleBar.openOrNull(options.progress(), "eval", tasks.size())) {
        for (EvaluationTasks.Task task : tasks.tasks()) {
          if (bar != null) {
            bar.setExtraMessage(task.name());
          }
          rows.addAll(task.run().apply(lm));
          if (bar != null) {
            bar.stepBy(task.size());
          }
        }
      }
      tasks.withOverall(rows);
    }
    return new EvalReport(model.toString(), rows);
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

  /** The task of {@link #meanHeldOutLoss}'s row. */
  public static final String MEAN_HELD_OUT = "mean-heldout";

  /**
   * The mean of the datasets' held-out losses, each dataset weighted alike (n = datasets), with the
   * built-in noise set left out: it cannot be learned, so it is no skill. NaN without any.
   */
  public static EvalReport.Row meanHeldOutLoss(List<EvalReport.Row> rows) {
    java.util.Map<String, Double> byDataset = new java.util.LinkedHashMap<>();
    for (EvalReport.Row r : rows) {
      if (r.task().startsWith("heldout/") && r.metric().equals("loss")) {
        byDataset.put(r.task().substring("heldout/".length()), r.value());
      }
    }
    long skills = byDataset.keySet().stream().filter(d -> !d.equals(io.skillmix.data.builtin.BuiltinMix.NOISE)).count();
    return new EvalReport.Row(MEAN_HELD_OUT, "loss", meanHeldOutLoss(byDataset), skills);
  }

  /** The same mean from each dataset's held-out loss by name (an eval line of metrics.jsonl). */
  public static double meanHeldOutLoss(java.util.Map<String, Double> lossByDataset) {
    return lossByDataset.entrySet().stream().filter(e -> !e.getKey().equals(io.skillmix.data.builtin.BuiltinMix.NOISE))
        .mapToDouble(java.util.Map.Entry::getValue).average().orElse(Double.NaN);
  }

  /** A skill row on the 0–100 scale: accuracies ×100, perplexity through {@link BuiltinTasks#perplexityScore}. */
  public static double skillScore(EvalReport.Row row) {
    return row.metric().equals("perplexity") ? BuiltinTasks.perplexityScore(row.value()) : 100 * row.value();
  }
}
