package io.skillmix.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.google.gson.JsonParser;
import io.skillmix.model.AdapterFolder;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.LoraFixtures;
import io.skillmix.model.LoraSettings;
import io.skillmix.model.ModelConfig;
import io.skillmix.model.ModelFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code model merge-lora}, and {@code generate --adapter}, as a user runs them. */
class LoraCommandsTest {

  @TempDir static Path dir;
  private static Path base;
  private static Path adapter;
  private static float[] adaptedLogits;

  @BeforeAll
  static void baseAndAdapter() {
    base = dir.resolve("base");
    adapter = dir.resolve("adapter");
    try (LanguageModel model = LanguageModel.random(ModelConfig.preset("tiny"), Device.cpu(), 3)) {
      ModelFolder.save(model, null, base);
      model.addLora(new LoraSettings(4, 16, 0.05, LoraSettings.ALL_PROJECTIONS), 1);
      LoraFixtures.randomiseAdapters(model, 2);
      AdapterFolder.write(model, adapter, base);
      adaptedLogits = LoraFixtures.logits(model);
    }
  }

  @Test
  void mergeLoraWritesAPlainFolderThatComputesTheAdaptedModel() throws Exception {
    Path out = dir.resolve("merged");
    CliRun.Result r = CliRun.run("model", "merge-lora", "--base", base.toString(), "--adapter", adapter.toString(),
        "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("merged a rank-4 LoRA (alpha 16.0, q_proj, k_proj"), r.out());
    assertTrue(Files.exists(out.resolve("tokenizer.json")), "the base's tokenizer comes along");
    try (LanguageModel merged = LanguageModel.load(out, Device.cpu())) {
      assertTrue(merged.lora() == null);
      assertTrue(LoraFixtures.maxDifference(adaptedLogits, LoraFixtures.logits(merged)) < 1e-5);
    }

    CliRun.Result again = CliRun.run("model", "merge-lora", "--base", base.toString(), "--adapter",
        adapter.toString(), "--out", out.toString());
    assertEquals(2, again.code());
    assertTrue(again.err().contains("pass --overwrite"), again.err());
    assertEquals(0, CliRun.run("model", "merge-lora", "--base", base.toString(), "--adapter", adapter.toString(),
        "--out", out.toString(), "--overwrite").code());
  }

  @Test
  void mergeLoraOntoAModelInitFolderSaysWhoWroteIt() throws Exception {
    Path init = dir.resolve("init");
    assertEquals(0, CliRun.run("model", "init", "--out", init.toString()).code());
    CliRun.Result r = CliRun.run("model", "merge-lora", "--base", base.toString(), "--adapter", adapter.toString(),
        "--out", init.toString(), "--overwrite");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("says skillmix model init"), r.err());
    assertTrue(!r.err().contains("has no"), r.err());
  }

  @Test
  void modelInfoDescribesAnAdapterFolder() {
    CliRun.Result r = CliRun.run("model", "info", adapter.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("LoRA         r 4, alpha 16.0 (scale 4.0), dropout 0.05, on q_proj"), r.out());
    assertTrue(r.out().contains("base         " + base.toAbsolutePath()), r.out());
  }

  @Test
  void mergeLoraNeverWritesOverItsInputs() throws Exception {
    byte[] weights = Files.readAllBytes(base.resolve("model.safetensors"));
    CliRun.Result r = CliRun.run("model", "merge-lora", "--base", base.toString(), "--adapter", adapter.toString(),
        "--out", base.toString(), "--overwrite");
    assertEquals(2, r.code());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertArrayEquals(weights, Files.readAllBytes(base.resolve("model.safetensors")));
    CliRun.Result notAdapter = CliRun.run("model", "merge-lora", "--base", base.toString(), "--adapter",
        base.toString(), "--out", dir.resolve("x").toString());
    assertEquals(2, notAdapter.code());
    assertTrue(notAdapter.err().contains("not a LoRA adapter folder"), notAdapter.err());
    CliRun.Result mergeAdapters = CliRun.run("merge", "--method", "average", "--inputs", adapter.toString(),
        adapter.toString(), "--out", dir.resolve("y").toString());
    assertEquals(2, mergeAdapters.code());
    assertTrue(mergeAdapters.err().contains("holds a LoRA adapter, not a model; fold it into its base first"),
        mergeAdapters.err());
  }

  @Test
  void generateWithAnAdapterGeneratesAsTheMergedModel() {
    Path merged = dir.resolve("merged-for-generate");
    assertEquals(0, CliRun.run("model", "merge-lora", "--base", base.toString(), "--adapter", adapter.toString(),
        "--out", merged.toString()).code());
    String[] args = {"--raw", "--prompt", "hello there", "--max-new-tokens", "12", "--ignore-eos", "--json"};
    CliRun.Result withAdapter = CliRun.run(concat(new String[] {"generate", "--model", base.toString(), "--adapter",
        adapter.toString()}, args));
    CliRun.Result fromMerged = CliRun.run(concat(new String[] {"generate", "--model", merged.toString()}, args));
    CliRun.Result fromBase = CliRun.run(concat(new String[] {"generate", "--model", base.toString()}, args));
    assertEquals(0, withAdapter.code(), withAdapter.err());
    assertEquals(ids(fromMerged), ids(withAdapter));
    assertNotEquals(ids(fromBase), ids(withAdapter), "the adapter changes what is generated");
  }

  private static String ids(CliRun.Result r) {
    return JsonParser.parseString(r.out().lines().findFirst().orElseThrow()).getAsJsonObject().get("ids").toString();
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
