package io.skillmix.merge;

import ai.djl.Device;
import io.skillmix.UserError;
import io.skillmix.model.AdapterFolder;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.LoraSettings;
import io.skillmix.model.ModelFolder;
import io.skillmix.output.OutputGuard;
import io.skillmix.output.StagedFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code skillmix model merge-lora}: a LoRA adapter folded into its base, {@code W + (alpha/r)·B·A}
 * for every adapted projection, written as a plain Hugging Face folder with the base's tokenizer.
 * The output is built beside {@code --out} and swapped in whole; the inputs are never written.
 */
public final class LoraMerge {

  public static final String COMMAND = "model merge-lora";

  /** What was merged: the adapter's settings and modules, and the base's parameter count. */
  public record Result(LoraSettings settings, List<String> modules, long parameters, Path out) {}

  private LoraMerge() {}

  public static Result merge(Path base, Path adapter, Path out, boolean overwrite) {
    return merge(base, adapter, out, overwrite, false);
  }

  /** @param forceBase fold the adapter in although it names another base ({@code --force-base}) */
  public static Result merge(Path base, Path adapter, Path out, boolean overwrite, boolean forceBase) {
    for (Path input : List.of(base, adapter)) {
      if (!Files.isDirectory(input)) {
        throw new UserError(input + ": not a folder; --base takes a Hugging Face model folder and --adapter a"
            + " PEFT adapter folder");
      }
    }
    if (!AdapterFolder.isAdapter(adapter)) {
      throw new UserError(adapter + ": not a LoRA adapter folder (no " + AdapterFolder.CONFIG + ")");
    }
    AdapterFolder.checkBase(base, adapter, forceBase);
    Path target = OutputGuard.of(COMMAND, "--out", List.of(base, adapter)).checkFolder(out, overwrite);
    try (LanguageModel model = AdapterFolder.load(base, adapter, Device.cpu())) {
      LoraSettings settings = model.lora().settings();
      List<String> modules = model.lora().modules();
      model.mergeLora();
      try (StagedFolder staged = StagedFolder.create(target, COMMAND)) {
        ModelFolder.save(model, base, staged.path());
        staged.commit();
      }
      return new Result(settings, modules, model.parameterCount(), out);
    }
  }
}
