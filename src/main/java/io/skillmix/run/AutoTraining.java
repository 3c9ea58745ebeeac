package io.skillmix.run;

import com.typesafe.config.Config;
import io.skillmix.UserError;
import io.skillmix.model.ModelConfig;
import io.skillmix.model.ModelFolder;
import io.skillmix.model.PretrainedPresets;
import io.skillmix.output.OutputMarker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The {@code auto} values of {@code train.*} whose good value depends on what is trained.
 *
 * <p>{@code train.lr = auto}: a model trained from scratch (a built-in preset, or a folder that
 * {@code skillmix model init} wrote: random weights) takes a rate for its size; a loaded model
 * takes a fine-tuning rate, which is two orders of magnitude lower, since a full fine-tune at a
 * pre-training rate wrecks what the model knows. Sources:
 * <ul>
 *   <li>full fine-tune 2e-5: TRL's {@code SFTConfig} default ("learning_rate: defaults to 2e-5
 *       instead of 5e-5"); LLaMA-Factory's examples/train_full/*_full_sft.yaml use 1e-5;</li>
 *   <li>LoRA 2e-4: the QLoRA paper (Dettmers et al. 2023, arXiv 2305.14314, appendix: 2e-4 for the
 *       7B and 13B models, 1e-4 above) and TRL's PEFT examples; LLaMA-Factory's
 *       examples/train_lora/*_lora_sft.yaml use 1e-4;</li>
 *   <li>from scratch: 3e-3 for the tiny preset (this project's measured default), 1e-3 up to 50M
 *       parameters (nanoGPT's 10.7M-parameter shakespeare-char config), 3e-4 above (the Llama 2
 *       and TinyLlama pre-training rates).</li>
 * </ul>
 * Warm-up and weight decay keep one default for both: LLaMA-Factory's full and LoRA examples both
 * warm up over 10% of the steps, as skillmix's default does, and decoupled decay of 0.01 is small
 * either way.
 */
public final class AutoTraining {

  /** The micro-batch of {@code train.micro-batch-size = auto}: the batch, at most this many sequences. */
  static final int AUTO_MICRO_BATCH = 16;

  static final double FULL_FINE_TUNE_LR = 2e-5;
  static final double LORA_LR = 2e-4;

  private AutoTraining() {}

  /** A learning rate and the reason it was chosen (empty when the user set it). */
  public record LearningRate(double value, String why) {

    /** The line a run prints at its start, or null when the user gave the rate. */
    public String notice() {
      return why.isEmpty() ? null : String.format(Locale.ROOT, "train.lr = auto: %s (%s; set train.lr to choose)",
          ConfigValuesText.number(value), why);
    }
  }

  /** {@code train.lr}: the user's positive rate, or auto's choice. */
  static LearningRate lr(Config c) {
    if (!ConfigValues.isAuto(c, "train.lr")) {
      return new LearningRate(ConfigValues.positive(c, "train.lr"), "");
    }
    String path = c.getString("model.path");
    boolean lora = c.hasPath("model.lora.rank") && ConfigValues.nonNegativeInt(c, "model.lora.rank") > 0;
    if (path.isEmpty() && PretrainedPresets.isPretrained(c.getString("model.preset"))) {
      return lora
          ? new LearningRate(LORA_LR, "LoRA on the shipped " + c.getString("model.preset") + " base: the QLoRA paper's and TRL's PEFT rate")
          : new LearningRate(PretrainedPresets.TINY_ENGLISH_LR, "the shipped " + c.getString("model.preset")
              + " base, fine-tuned at the rate it was pretrained at, as the benchmark does (docs/RESULTS.md)");
    }
    if (!path.isEmpty() && !fromScratch(Path.of(path))) {
      return lora
          ? new LearningRate(LORA_LR, "LoRA on a loaded model: the QLoRA paper's and TRL's PEFT rate")
          : new LearningRate(FULL_FINE_TUNE_LR, "a full fine-tune of a loaded model: TRL's SFT default");
    }
    String what = path.isEmpty() ? "the " + c.getString("model.preset") + " preset" : path + " (written by model init)";
    long parameters = path.isEmpty() ? ModelConfig.preset(c.getString("model.preset")).parameterCount()
        : ModelConfig.read(Path.of(path).resolve("config.json")).parameterCount();
    double rate = parameters < 2_000_000 ? 3e-3 : parameters <= 50_000_000 ? 1e-3 : 3e-4;
    return new LearningRate(rate, String.format(Locale.ROOT, "%s trained from scratch, %,d parameters%s", what,
        parameters, lora ? "; LoRA on random weights learns little" : ""));
  }

  /** A folder of random weights: {@code skillmix model init} wrote it (its marker says so). */
  static boolean fromScratch(Path folder) {
    return Files.isDirectory(folder) && OutputMarker.marks(folder, ModelFolder.INIT_COMMAND);
  }

  /** {@code train.micro-batch-size}: the user's positive count, or auto: the batch, at most 16. */
  static int microBatch(Config c, int batchSize) {
    if (!ConfigValues.isAuto(c, "train.micro-batch-size")) {
      return ConfigValues.orAuto(() -> ConfigValues.positiveInt(c, "train.micro-batch-size"));
    }
    if (batchSize <= AUTO_MICRO_BATCH) {
      return batchSize;
    }
    // The largest divisor of the batch that is at most 16, so the passes add up to the batch exactly.
    for (int m = AUTO_MICRO_BATCH; m > 1; m--) {
      if (batchSize % m == 0) {
        return m;
      }
    }
    throw new UserError("train.micro-batch-size = auto: train.batch-size = " + batchSize + " has no divisor from 2 to "
        + AUTO_MICRO_BATCH + "; give train.micro-batch-size, or a batch size such as " + (batchSize / 16 * 16));
  }

  /** Numbers as a user writes them. */
  private static final class ConfigValuesText {
    static String number(double v) {
      return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v).replace("E-", "e-");
    }
  }
}
