package io.skillmix.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.skillmix.model.AdapterFolder;
import io.skillmix.model.LanguageModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** A run with model.lora under every reward family: the evaluator's replica takes θ0, then adapters alone. */
class LoraRunTest {

  @TempDir static Path dir;

  @BeforeAll
  static void fixtures() {
    RunFixtures.write(dir);
  }

  @ParameterizedTest
  @ValueSource(strings = {"mos", "multidds", "multiuat"})
  void aLoraRunComputesRewardsAndEndsWithAnAdapterOnItsBase(String method) throws Exception {
    TrainingRun.Outcome run = TrainingRun.run(RunFixtures.config(dir, "lora-" + method, "mix.method=" + method,
        "model.lora.rank=4", "model.lora.targets=[q_proj, v_proj, down_proj]", "train.steps=16"));
    assertEquals(16, run.steps());
    List<String> weights = Files.readAllLines(run.runDir().resolve("weights.jsonl"));
    assertTrue(weights.size() >= 2, "an update was applied: " + weights);
    String report = Files.readString(run.runDir().resolve("report.md"));
    assertTrue(report.contains("- training: LoRA r 4, alpha 32.0, dropout 0.05 on q_proj, v_proj, down_proj"), report);
    assertTrue(report.contains("bytes per update (the LoRA adapters)"), report);
    Path trained = run.runDir().resolve("final");
    try (LanguageModel model = AdapterFolder.open(trained, null, Device.cpu())) {
      assertEquals(List.of("q_proj", "v_proj", "down_proj"), model.lora().modules());
    }
  }
}
