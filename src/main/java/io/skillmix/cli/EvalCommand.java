package io.skillmix.cli;

import ai.djl.Device;
import io.skillmix.UserError;
import io.skillmix.config.ConfigLoader;
import io.skillmix.data.ExampleEncoder;
import io.skillmix.data.TokenizedExample;
import io.skillmix.data.tokenizer.ChatTemplate;
import io.skillmix.data.tokenizer.Tokenizer;
import io.skillmix.eval.BuiltinTasks;
import io.skillmix.eval.CategoryMapping;
import io.skillmix.eval.EvalReport;
import io.skillmix.eval.ExactMatch;
import io.skillmix.eval.Gsm8kReader;
import io.skillmix.eval.HeldOutLoss;
import io.skillmix.eval.MmluReader;
import io.skillmix.eval.MultipleChoice;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelFolder;
import io.skillmix.run.RunData;
import io.skillmix.run.RunSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code skillmix eval --model DIR}: held-out loss and perplexity of every dataset of the configured
 * mix, exact match on the {@code #### N} answers of the built-in math set, and, when given, MMLU
 * (multiple choice by log-likelihood) and GSM8K (exact match by generation) files from disk.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
    description = "Evaluate a model folder: held-out loss per dataset, math exact match, MMLU, GSM8K.")
public final class EvalCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "A Hugging Face model folder.")
  Path model;

  @Option(names = "--out", paramLabel = "FILE", description = "Also write the results as JSON here.")
  Path out;

  @Option(names = "--limit", defaultValue = "200",
      description = "Examples per task at most (default: ${DEFAULT-VALUE}); 0 for all.")
  int limit;

  @Option(names = "--mmlu", paramLabel = "DIR", description = "A folder of MMLU <subject>_test.csv files.")
  Path mmlu;

  @Option(names = "--mmlu-categories", paramLabel = "FILE",
      description = "JSON mapping of categories to subject lists, e.g. {\"Math\": [\"abstract_algebra\"]}.")
  Path categories;

  @Option(names = "--gsm8k", paramLabel = "FILE", description = "A GSM8K JSONL file (question, answer ending in #### N).")
  Path gsm8k;

  @Option(names = "--max-new-tokens", defaultValue = "128", description = "Generation budget for exact match.")
  int maxNewTokens;

  @Option(names = "--batch-size", defaultValue = "16", description = "Examples per forward pass.")
  int batchSize;

  @Parameters(paramLabel = "key=value", arity = "0..*",
      description = "Config overrides that choose the datasets (data.datasets, data.builtin.*, seed).")
  List<String> overrides = new ArrayList<>();

  @Override
  public void run() {
    if (limit < 0 || batchSize <= 0 || maxNewTokens <= 0) {
      throw new UserError("--limit must be 0 or more, --batch-size and --max-new-tokens positive");
    }
    RunSettings settings = RunSettings.from(ConfigLoader.load(null, overrides));
    List<EvalReport.Row> rows = new ArrayList<>();
    try (LanguageModel lm = LanguageModel.load(model, Device.cpu());
        Tokenizer tokenizer = ModelFolder.tokenizer(model)) {
      RunData data = RunData.load(settings);
      ChatTemplate template = ChatTemplate.resolve(settings.chatTemplate(), model);
      ExampleEncoder encoder = new ExampleEncoder(template, tokenizer,
          Math.min(settings.data().maxLength(), lm.config().maxPositionEmbeddings()),
          ExampleEncoder.Overlength.TRUNCATE);
      Map<String, List<TokenizedExample>> heldOut = new LinkedHashMap<>();
      for (RunData.Set set : data.sets()) {
        if (!set.heldOut().isEmpty()) {
          heldOut.put(set.name(), limited(set.heldOut()).stream().map(encoder).toList());
        }
      }
      for (HeldOutLoss.Result r : HeldOutLoss.evaluate(lm, heldOut, batchSize)) {
        rows.addAll(r.rows());
      }
      ExactMatch.Settings generation = new ExactMatch.Settings(maxNewTokens, batchSize);
      boolean builtin = settings.data().datasets().isEmpty();
      for (RunData.Set set : data.sets()) {
        if (builtin && set.name().equals("math")) {
          List<ExactMatch.Problem> problems = limited(set.heldOut()).stream()
              .map(c -> new ExactMatch.Problem(c.firstPrompt(), c.lastResponse())).toList();
          rows.addAll(ExactMatch.evaluate(lm, tokenizer, template, problems, generation).rows("math"));
        }
        if (builtin && set.name().equals("definitions")) {
          // Which word has this gloss: the whole option is scored, per character (acc_norm).
          List<MultipleChoice.Question> questions = BuiltinTasks.definitionsChoice(limited(set.heldOut()), settings.seed());
          rows.addAll(MultipleChoice.evaluate(lm, tokenizer, template, questions, new MultipleChoice.Settings(
              MultipleChoice.AnswerForm.TEXT, MultipleChoice.Normalisation.PER_CHARACTER, batchSize))
              .rows("definitions", null));
        }
        if (builtin && set.name().equals("nlp")) {
          List<MultipleChoice.Question> questions = BuiltinTasks.nlpChoice(limited(set.heldOut()), settings.seed());
          rows.addAll(MultipleChoice.evaluate(lm, tokenizer, template, questions, new MultipleChoice.Settings(
              MultipleChoice.AnswerForm.TEXT, MultipleChoice.Normalisation.PER_CHARACTER, batchSize))
              .rows("nlp", null));
        }
      }
      if (builtin) {
        rows.add(overall(rows));
      }
      if (mmlu != null) {
        CategoryMapping mapping = categories == null ? null : CategoryMapping.read(categories);
        List<MultipleChoice.Question> questions = limited(MmluReader.readFolder(mmlu));
        rows.addAll(MultipleChoice.evaluate(lm, tokenizer, template, questions,
            MultipleChoice.Settings.mmlu(batchSize)).rows("mmlu", mapping));
      }
      if (gsm8k != null) {
        rows.addAll(ExactMatch.evaluate(lm, tokenizer, template, limited(Gsm8kReader.read(gsm8k)), generation)
            .rows("gsm8k"));
      }
    }
    EvalReport report = new EvalReport(model.toString(), rows);
    PrintWriter printer = spec.commandLine().getOut();
    printer.print(report.table());
    printer.flush();
    if (out != null) {
      report.writeJson(out);
    }
  }

  /**
   * One score for the built-in mix, as the paper averages its benchmarks: the mean, on 0–100, of
   * math exact match, definitions and nlp accuracy, and writing's held-out perplexity as
   * {@link BuiltinTasks#perplexityScore}.
   */
  static EvalReport.Row overall(List<EvalReport.Row> rows) {
    double[] scores = new double[4];
    String[][] parts = {{"math", "exact_match"}, {"definitions", "accuracy"}, {"nlp", "accuracy"},
        {"heldout/writing", "perplexity"}};
    int found = 0;
    for (EvalReport.Row row : rows) {
      for (int i = 0; i < parts.length; i++) {
        if (row.task().equals(parts[i][0]) && row.metric().equals(parts[i][1])) {
          scores[i] = i == 3 ? BuiltinTasks.perplexityScore(row.value()) : 100 * row.value();
          found++;
        }
      }
    }
    double mean = found == parts.length ? java.util.Arrays.stream(scores).average().orElse(Double.NaN) : Double.NaN;
    return new EvalReport.Row("overall", "score", mean, found);
  }

  private <T> List<T> limited(List<T> all) {
    return limit == 0 || all.size() <= limit ? all : all.subList(0, limit);
  }

}
