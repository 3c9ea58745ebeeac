package io.skillmix.cli;

import io.skillmix.merge.LoraMerge;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code skillmix model merge-lora}: fold a PEFT LoRA adapter into its base model. */
@Command(name = "merge-lora", mixinStandardHelpOptions = true,
    description = "Fold a LoRA adapter (a PEFT folder: adapter_config.json, adapter_model.safetensors) into its"
        + " base, W + (lora_alpha / r)·B·A, and write a plain Hugging Face model folder.")
final class MergeLoraCommand implements Runnable {

  @Spec CommandSpec spec;

  @Option(names = "--base", required = true, paramLabel = "DIR", description = "The base model folder.")
  Path base;

  @Option(names = "--adapter", required = true, paramLabel = "DIR",
      description = "The adapter folder (a run's final/ or a checkpoint's model/ with model.lora, or PEFT's save_pretrained).")
  Path adapter;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "The merged model folder to write.")
  Path out;

  @Option(names = "--force-base",
      description = "Fold --adapter into --base although its adapter_config.json names another base model.")
  boolean forceBase;

  @Option(names = "--overwrite", description = "Replace --out if an earlier merge-lora wrote it (never an input).")
  boolean overwrite;

  @Override
  public void run() {
    LoraMerge.Result result = LoraMerge.merge(base, adapter, out, overwrite, forceBase);
    spec.commandLine().getOut().printf(Locale.ROOT, "merged a rank-%d LoRA (alpha %s, %s) into %s: %,d parameters -> %s%n",
        result.settings().rank(), result.settings().alpha(), String.join(", ", result.modules()), base,
        result.parameters(), result.out());
    spec.commandLine().getOut().flush();
  }
}
