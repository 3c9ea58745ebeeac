package io.skillmix.cli;

import io.skillmix.UserError;
import io.skillmix.config.ConfigLoader;
import io.skillmix.eval.EvalReport;
import io.skillmix.eval.Evaluation;
import io.skillmix.run.RunSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

  @Option(names = "--model", paramLabel = "DIR", description = "A Hugging Face model folder (or give --run).")
  Path model;

  @Option(names = "--run", paramLabel = "RUN_DIR",
      description = "A training run: its final model on the run's own datasets (their dev splits as the run carved"
          + " them), with the run's chat template and system prompt; key=value overrides go on top of its config.conf.")
  Path run;

  @Option(names = "--adapter", paramLabel = "DIR",
      description = "A LoRA adapter folder (PEFT layout) to evaluate on --model, its base.")
  Path adapter;

  @Option(names = "--force-base",
      description = "Use --adapter on --model although its adapter_config.json names another base model.")
  boolean forceBase;

  @Option(names = "--out", paramLabel = "FILE", description = "Also write the results as JSON here.")
  Path out;

  @Option(names = "--overwrite", description = "Replace an existing --out file.")
  boolean overwrite;

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

  @Option(names = "--no-progress", description = "No progress bar (for logs).")
  boolean noProgress;

  @Parameters(paramLabel = "[CONFIG] [key=value...]", arity = "0..*",
      description = "A config file as train takes (HOCON or YAML), then overrides that choose the datasets"
          + " (data.datasets, data.builtin.*, seed).")
  List<String> overrides = new ArrayList<>();

  @Override
  public void run() {
    if (limit < 0 || batchSize <= 0 || maxNewTokens <= 0) {
      throw new UserError("--limit must be 0 or more, --batch-size and --max-new-tokens positive");
    }
    if ((model == null) == (run == null)) {
      throw new UserError("give --model DIR (a model folder) or --run RUN_DIR (a training run's final model), one of them");
    }
    if (run != null) {
      EvaluatedRun of = EvaluatedRun.of(run, overrides);
      model = of.model();
      overrides = of.overrides();
    }
    if (out != null) { // before hours of evaluation, not after
      List<Path> inputs = new ArrayList<>();
      for (Path p : new Path[] {model, adapter, mmlu, categories, gsm8k}) {
        if (p != null) {
          inputs.add(p);
        }
      }
      out = io.skillmix.output.OutputGuard.of("eval", "--out", inputs).checkFile(out, overwrite);
    }
    io.skillmix.model.AdapterFolder.checkBase(model, adapter, forceBase);
    ConfigArgs given = ConfigArgs.parse(overrides, "config file");
    RunSettings settings = RunSettings.from(ConfigLoader.load(given.file(), given.overrides()));
    EvalReport report = Evaluation.run(model, adapter, io.skillmix.run.RunData.evaluationInputs(settings),
        new Evaluation.Options(limit, batchSize, maxNewTokens, mmlu, categories, gsm8k, !noProgress));
    PrintWriter printer = spec.commandLine().getOut();
    printer.print(report.table());
    printer.flush();
    if (out != null) {
      report.writeJson(out);
    }
  }
}
