package io.skillmix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.skillmix.model.AdapterFolder;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.LoraFixtures;
import io.skillmix.model.LoraSettings;
import io.skillmix.model.ModelConfig;
import io.skillmix.model.ModelFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NaN weights are refused when a folder is read (issue 33 E7), and an adapter is used only on the
 * base it was trained on unless --force-base (E8).
 */
class DamagedWeightsTest {

  @TempDir static Path dir;
  private static Path base;
  private static Path nanModel;
  private static Path nanAdapter;
  private static Path adapter;
  private static Path otherBase;

  @BeforeAll
  static void folders() {
    base = dir.resolve("base");
    nanModel = dir.resolve("nan-model");
    nanAdapter = dir.resolve("nan-adapter");
    adapter = dir.resolve("adapter");
    otherBase = dir.resolve("other-base");
    try (LanguageModel model = LanguageModel.random(ModelConfig.preset("tiny"), Device.cpu(), 3)) {
      ModelFolder.save(model, null, base);
      model.addLora(new LoraSettings(4, 16, 0.05, LoraSettings.ALL_PROJECTIONS), 1);
      LoraFixtures.randomiseAdapters(model, 2);
      AdapterFolder.write(model, adapter, base);
      Map<String, float[]> lora = model.exportTrainable();
      lora.values().iterator().next()[0] = Float.NaN;
      model.importWeights(lora);
      AdapterFolder.write(model, nanAdapter, base);
    }
    try (LanguageModel model = LanguageModel.random(ModelConfig.preset("tiny"), Device.cpu(), 4)) {
      ModelFolder.save(model, null, otherBase);
      Map<String, float[]> all = model.exportWeights();
      all.get("model.norm.weight")[1] = Float.NaN;
      model.importWeights(all);
      ModelFolder.save(model, null, nanModel);
    }
  }

  @Test
  void generateRefusesAModelWithNanWeights() {
    CliRun.Result r = CliRun.run("generate", "--model", nanModel.toString(), "--prompt", "hi", "--json",
        "--logprobs", "1", "--max-new-tokens", "2");
    assertEquals(2, r.code(), r.err() + r.out());
    assertTrue(r.err().contains("tensor 'model.norm.weight' holds 1 non-finite values"), r.err());
    assertFalse(r.out().contains("NaN"), r.out());
  }

  @Test
  void mergeLoraRefusesANanAdapter() {
    Path out = dir.resolve("merged-nan");
    CliRun.Result r = CliRun.run("model", "merge-lora", "--base", base.toString(), "--adapter", nanAdapter.toString(),
        "--out", out.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("non-finite"), r.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void anAdapterIsRefusedOnAnotherBaseUnlessForced() {
    CliRun.Result r = CliRun.run("generate", "--model", otherBase.toString(), "--adapter", adapter.toString(),
        "--prompt", "hi", "--max-new-tokens", "1");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("was trained on '" + base.toAbsolutePath()) && r.err().contains("--force-base"), r.err());
    CliRun.Result merge = CliRun.run("model", "merge-lora", "--base", otherBase.toString(), "--adapter",
        adapter.toString(), "--out", dir.resolve("merged-other").toString());
    assertEquals(2, merge.code(), merge.err());
    assertEquals(0, CliRun.run("generate", "--model", otherBase.toString(), "--adapter", adapter.toString(),
        "--force-base", "--prompt", "hi", "--max-new-tokens", "1").code());
    assertEquals(0, CliRun.run("generate", "--model", base.toString(), "--adapter", adapter.toString(),
        "--prompt", "hi", "--max-new-tokens", "1").code());
  }
}
