package io.skillmix.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelConfig;
import io.skillmix.run.RunFixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every kind of bad input a user can hand {@code skillmix train} ends in one line on stderr naming
 * the file or key, exit code 2, and leaves what was on disk exactly as it was.
 */
class BadInputTest {

  @TempDir static Path dir;

  private record Result(int code, String err) {
    void assertOneLine(String... mentions) {
      assertEquals(2, code, err);
      assertEquals(1, err.lines().count(), err);
      assertTrue(err.startsWith("skillmix: "), err);
      for (String m : mentions) {
        assertTrue(err.contains(m), "expected '" + m + "' in: " + err);
      }
    }
  }

  @BeforeAll
  static void fixtures() {
    RunFixtures.write(dir);
  }

  private static Result train(String runName, String... overrides) {
    List<String> args = new ArrayList<>();
    args.add("train");
    args.add("run.dir=\"" + dir.resolve(runName) + "\"");
    args.addAll(RunFixtures.overrides(dir));
    args.addAll(List.of(overrides));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    picocli.CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    cl.setOut(new PrintWriter(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    return new Result(cl.execute(args.toArray(String[]::new)), err.toString(StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "train.lr=-0.001          | train.lr",
      "mix.scorer.prior-temperature=0 | mix.scorer.prior-temperature",
      "mix.scorer-prior-temperature=hot | mix.scorer.prior-temperature",
      "mix.ema=maybe            | mix.mos.ema",
      "mix.scorer.update=greedy | mix.scorer.update",
      "mix.update-every=often   | mix.update-every",
      "mix.lag-steps=9          | mix.lag-steps",
      "mix.specialist=poetry    | mix.mos.specialist",
      "train.batch-size=lots    | train.batch-size",
      "mix.metod=uni            | did you mean 'mix.method'",
      "data.only=[poetry]       | poetry",
  })
  void badConfigValuesAreOneLineNamingTheKey(String override, String mention) {
    Result r = train("config-" + Math.abs(override.hashCode()), override);
    r.assertOneLine(mention);
    assertTrue(Files.notExists(dir.resolve("config-" + Math.abs(override.hashCode()))),
        "a refused run leaves no folder behind");
  }

  /** A copy of the fixture model, broken by {@code breaker}; the test checks it is refused untouched. */
  private static Path brokenModel(String name, ModelBreaker breaker) throws IOException {
    Path copy = dir.resolve("models").resolve(name);
    Files.createDirectories(copy);
    try (Stream<Path> files = Files.list(dir.resolve("model"))) {
      for (Path f : files.toList()) {
        Files.copy(f, copy.resolve(f.getFileName()));
      }
    }
    breaker.breakIn(copy);
    return copy;
  }

  private interface ModelBreaker {
    void breakIn(Path folder) throws IOException;
  }

  private static Map<String, byte[]> snapshot(Path folder) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path f : walk.filter(Files::isRegularFile).toList()) {
        files.put(folder.relativize(f).toString(), Files.readAllBytes(f));
      }
    }
    return files;
  }

  private static void assertRefusedUntouched(String name, ModelBreaker breaker, String... mentions)
      throws IOException {
    Path model = brokenModel(name, breaker);
    Map<String, byte[]> before = snapshot(model);
    Result r = train("model-" + name, "model.path=\"" + model + "\"");
    r.assertOneLine(mentions);
    Map<String, byte[]> after = snapshot(model);
    assertEquals(before.keySet(), after.keySet());
    for (String f : before.keySet()) {
      assertArrayEquals(before.get(f), after.get(f), f + " was changed");
    }
  }

  private static Path weights(Path folder) {
    return folder.resolve("model.safetensors");
  }

  private static String replaceInConfig(Path folder, String from, String to) throws IOException {
    Path config = folder.resolve("config.json");
    String text = Files.readString(config);
    assertTrue(text.contains(from), "fixture config.json has " + from + ": " + text);
    String changed = text.replace(from, to);
    Files.writeString(config, changed);
    return changed;
  }

  @Test
  void aModelFolderWithoutConfigJsonIsRefused() throws IOException {
    assertRefusedUntouched("no-config", f -> Files.delete(f.resolve("config.json")), "config.json");
  }

  @Test
  void anUnsupportedModelTypeIsRefused() throws IOException {
    assertRefusedUntouched("gpt2", f -> replaceInConfig(f, "\"llama\"", "\"gpt2\""), "gpt2");
  }

  @Test
  void aTensorOfTheWrongShapeIsRefused() throws IOException {
    // the config now promises a wider MLP than the weights hold
    assertRefusedUntouched("wrong-shape", f -> replaceInConfig(f, "\"intermediate_size\": 64",
        "\"intermediate_size\": 96"), "shape");
  }

  @Test
  void aMissingTensorIsRefused() throws IOException {
    // one layer more in the config than tensors in the file
    assertRefusedUntouched("missing-tensor", f -> replaceInConfig(f, "\"num_hidden_layers\": 1",
        "\"num_hidden_layers\": 2"), "layers.1");
  }

  @Test
  void aTruncatedSafetensorsFileIsRefused() throws IOException {
    assertRefusedUntouched("truncated", f -> {
      byte[] all = Files.readAllBytes(weights(f));
      Files.write(weights(f), java.util.Arrays.copyOf(all, all.length / 2));
    }, "model.safetensors");
  }

  @Test
  void aSafetensorsHeaderClaimingHugeOffsetsIsRefused() throws IOException {
    assertRefusedUntouched("malicious", f -> {
      byte[] header = "{\"model.embed_tokens.weight\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,2],\"data_offsets\":[0,8]}}"
          .getBytes(StandardCharsets.UTF_8);
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(8 + header.length + 8)
          .order(java.nio.ByteOrder.LITTLE_ENDIAN);
      buf.putLong(header.length).put(header).putLong(0);
      Files.write(weights(f), buf.array());
    }, "model.safetensors");
  }

  @Test
  void aTokenizerWithMoreTokensThanTheModelEmbedsIsRefused() throws IOException {
    // a whole, consistent model with 200 embedding rows, next to the 259-token byte tokenizer
    assertRefusedUntouched("vocab", f -> {
      ModelConfig c = RunFixtures.smallModel();
      ModelConfig small = new ModelConfig(c.modelType(), 200, c.hiddenSize(), c.intermediateSize(),
          c.numLayers(), c.numHeads(), c.numKvHeads(), c.headDim(),
          c.maxPositionEmbeddings(), c.ropeTheta(), c.rmsNormEps(), c.tieWordEmbeddings(),
          c.attentionBias(), c.bosTokenId(), c.eosTokenId());
      try (LanguageModel m = LanguageModel.random(small, Device.cpu(), 1)) {
        m.save(f);
      }
    }, "tokenizer has 259 tokens", "vocab_size is 200");
  }

  /** Issue 33, E4: a template that empties the messages trained on nothing, exit 0. */
  @Test
  void aTemplateThatLeavesNothingToTrainOnIsRefused() throws IOException {
    assertRefusedUntouched("trains-nothing", f -> Files.writeString(f.resolve("chat_template.jinja"),
        "{% set messages = messages[:0] %}{% for m in messages %}{{ m.content }}{% endfor %}"
            + "{% generation %}{% endgeneration %}"),
        "dataset 'add': none of its", "has a token to train on", "chat_template.jinja",
        "a run with no trained token learns nothing");
  }

  /** Issue 33, D6 and C1: an include was an internal error, or read a classpath file. */
  @Test
  void aTemplateThatIncludesAFileIsRefused() throws IOException {
    assertRefusedUntouched("includes", f -> Files.writeString(f.resolve("chat_template.jinja"),
        "{% for m in messages %}{{ m.content }}{% endfor %}{% include 'missing.jinja' %}"),
        "chat_template.jinja: the template is refused: 'include' is not allowed in a chat template");
  }

  /** Issue 33, B2: three nested range(1000) loops kept train busy past SIGTERM. */
  @Test
  void aTemplateThatLoopsWithoutEndIsRefused() throws IOException {
    assertRefusedUntouched("loops", f -> Files.writeString(f.resolve("chat_template.jinja"),
        "{% for i in range(1000) %}{% for j in range(1000) %}{% for k in range(1000) %}"
            + "{% endfor %}{% endfor %}{% endfor %}{% for m in messages %}{{ m.content }}{% endfor %}"),
        "chat_template.jinja: the template breaks a bound", "2,000,000 evaluation steps");
  }

  @Test
  void anExistingRunFolderIsNeverOverwrittenUnlessAsked() throws IOException {
    Path run = dir.resolve("existing");
    Files.createDirectories(run);
    Path kept = run.resolve("metrics.jsonl");
    Files.writeString(kept, "{\"step\": 1}\n", StandardOpenOption.CREATE_NEW);
    Result r = train("existing");
    r.assertOneLine("existing", "run.overwrite");
    assertEquals("{\"step\": 1}\n", Files.readString(kept));
  }
}
