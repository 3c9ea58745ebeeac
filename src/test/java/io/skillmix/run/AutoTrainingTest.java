package io.skillmix.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.UserError;
import io.skillmix.config.ConfigLoader;
import io.skillmix.model.ModelConfig;
import io.skillmix.model.ModelFolder;
import io.skillmix.model.PretrainedPresets;
import io.skillmix.output.OutputMarker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train.lr = auto and train.micro-batch-size = auto: defaults that fit what is trained. */
class AutoTrainingTest {

  private static AutoTraining.LearningRate lr(String... overrides) {
    return AutoTraining.lr(ConfigLoader.load(null, List.of(overrides)));
  }

  @Test
  void aPresetFromScratchTakesItsSizesRate() {
    assertEquals(3e-3, lr("model.preset=tiny").value());
    assertEquals(1e-3, lr("model.preset=small").value());
    assertEquals(3e-4, lr("model.preset=qwen2.5-0.5b").value());
    assertTrue(lr("model.preset=tiny").notice().startsWith("train.lr = auto: 0.003 (the tiny preset trained from scratch"),
        lr("model.preset=tiny").notice());
    assertEquals(3e-3, RunSettings.from(ConfigLoader.load(null, List.of("model.preset=tiny"))).train().lr());
    assertNull(RunSettings.from(ConfigLoader.load(null, List.of("model.preset=tiny"))).modelPath());
  }

  @Test
  void theShippedBaseIsTheDefaultAndFineTunesAtItsPretrainingRate() {
    // The default (model.preset = tiny-english) is a loaded model, but not one for TRL's 2e-5: the
    // benchmark fine-tunes this 0.77M-parameter base at 3e-3, the rate it was pretrained at.
    assertEquals(3e-3, lr().value());
    assertTrue(lr().notice().startsWith("train.lr = auto: 0.003 (the shipped tiny-english base"), lr().notice());
    assertEquals(2e-4, lr("model.lora.rank=8").value());
    RunSettings settings = RunSettings.from(ConfigLoader.load(null, List.of()));
    assertEquals(3e-3, settings.train().lr());
    assertEquals(PretrainedPresets.folder("tiny-english"), settings.modelPath());
    // model.path wins over the preset, as for every preset.
    assertEquals(Path.of("/elsewhere"), RunSettings.from(ConfigLoader.load(null, List.of("model.path=/elsewhere"))).modelPath());
  }

  @Test
  void aLoadedModelTakesAFineTuningRate(@TempDir Path dir) throws Exception {
    String model = "model.path=\"" + dir + "\"";
    assertEquals(2e-5, lr(model).value());
    assertTrue(lr(model).notice().contains("full fine-tune of a loaded model"), lr(model).notice());
    assertEquals(2e-4, lr(model, "model.lora.rank=8").value());
    assertTrue(lr(model, "model.lora.rank=8").notice().contains("LoRA"));
    // A folder that model init wrote holds random weights: trained from scratch.
    ModelConfig.preset("tiny").write(dir.resolve("config.json"));
    OutputMarker.write(dir, ModelFolder.INIT_COMMAND);
    assertEquals(3e-3, lr(model).value());
  }

  @Test
  void aGivenRateIsKeptAndNotAnnounced() {
    assertEquals(5e-4, lr("train.lr=5e-4").value());
    assertNull(lr("train.lr=5e-4").notice());
    UserError e = assertThrows(UserError.class, () -> lr("train.lr=-1"));
    assertTrue(e.getMessage().contains("train.lr"), e.getMessage());
  }

  @Test
  void theMicroBatchFollowsTheBatch() {
    assertEquals(4, RunSettings.from(ConfigLoader.load(null, List.of("train.batch-size=4"))).train().microBatchSize());
    assertEquals(16, RunSettings.from(ConfigLoader.load(null, List.of("train.batch-size=64"))).train().microBatchSize());
    assertEquals(12, RunSettings.from(ConfigLoader.load(null, List.of("train.batch-size=24"))).train().microBatchSize());
    assertEquals(2, RunSettings.from(ConfigLoader.load(null,
        List.of("train.batch-size=4", "train.micro-batch-size=2"))).train().microBatchSize());
    UserError prime = assertThrows(UserError.class,
        () -> RunSettings.from(ConfigLoader.load(null, List.of("train.batch-size=17"))));
    assertTrue(prime.getMessage().contains("train.micro-batch-size"), prime.getMessage());
  }
}
