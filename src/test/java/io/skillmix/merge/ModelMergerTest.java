package io.skillmix.merge;

import static io.skillmix.merge.MergeFixtures.folder;
import static io.skillmix.merge.MergeFixtures.randomTensors;
import static io.skillmix.merge.MergeFixtures.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.skillmix.UserError;
import io.skillmix.model.io.DType;
import io.skillmix.model.io.ModelWeights;
import io.skillmix.model.io.TensorData;
import io.skillmix.output.OutputMarker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelMergerTest {

  @TempDir Path dir;

  private Path merge(MergeMethod method, List<Path> inputs, Path base, double[] weights, long seed, String out,
      int chunk) {
    MergeRequest request = new MergeRequest(method, inputs, base, weights, seed, dir.resolve(out), false);
    return ModelMerger.merge(request, "skillmix test", ModelMerger.Progress.NONE, chunk).out();
  }

  private Path merge(MergeMethod method, List<Path> inputs, Path base, long seed, String out) {
    return merge(method, inputs, base, null, seed, out, ModelMerger.DEFAULT_CHUNK_VALUES);
  }

  private List<Path> threeInputs() {
    return List.of(folder(dir.resolve("a"), randomTensors(1)), folder(dir.resolve("b"), randomTensors(2)),
        folder(dir.resolve("c"), randomTensors(3)));
  }

  @Test
  void selectTakesEveryScalarFromTheSamePositionOfSomeInput() {
    List<Path> inputs = threeInputs();
    Map<String, float[]> merged = read(merge(MergeMethod.SELECT, inputs, null, 7, "out"));
    List<Map<String, float[]>> in = inputs.stream().map(MergeFixtures::read).toList();
    int[] taken = new int[3];
    for (Map.Entry<String, float[]> e : merged.entrySet()) {
      float[] v = e.getValue();
      for (int j = 0; j < v.length; j++) {
        boolean found = false;
        for (int k = 0; k < 3; k++) {
          if (Float.floatToIntBits(in.get(k).get(e.getKey())[j]) == Float.floatToIntBits(v[j])) {
            taken[k]++;
            found = true;
            break;
          }
        }
        assertTrue(found, e.getKey() + "[" + j + "] = " + v[j] + " is in no input");
      }
    }
    for (int k = 0; k < 3; k++) {
      assertTrue(taken[k] > 0, "input " + k + " contributed nothing: " + java.util.Arrays.toString(taken));
    }
    assertEquals(List.copyOf(randomTensors(1).keySet()), List.copyOf(merged.keySet()), "names and order kept");
  }

  @Test
  void identicalInputsGiveTheInputBack() {
    Map<String, TensorData> t = randomTensors(5);
    List<Path> inputs = List.of(folder(dir.resolve("a"), t), folder(dir.resolve("b"), t), folder(dir.resolve("c"), t));
    for (MergeMethod m : MergeMethod.values()) {
      Map<String, float[]> merged = read(merge(m, inputs, inputs.get(0), 3, "out-" + m));
      t.forEach((name, data) -> assertArrayEquals(data.values(), merged.get(name), m + " " + name));
    }
  }

  @Test
  void theSameSeedGivesTheSameBytesAndAnotherSeedOthers() {
    List<Path> inputs = threeInputs();
    byte[] a = MergeFixtures.bytes(merge(MergeMethod.SELECT, inputs, null, 11, "a1").resolve("model.safetensors"));
    byte[] b = MergeFixtures.bytes(merge(MergeMethod.SELECT, inputs, null, 11, "a2").resolve("model.safetensors"));
    byte[] c = MergeFixtures.bytes(merge(MergeMethod.SELECT, inputs, null, 12, "a3").resolve("model.safetensors"));
    assertArrayEquals(a, b);
    assertFalse(java.util.Arrays.equals(a, c), "another seed, another selection");
  }

  /** Input k holds the value k everywhere, so the merged values count the draws. */
  private Path constantInput(String name, Map<String, long[]> shapes, float value) {
    Map<String, TensorData> t = new LinkedHashMap<>();
    shapes.forEach((n, shape) -> {
      float[] v = new float[(int) (shape[0] * shape[1])];
      java.util.Arrays.fill(v, value);
      t.put(n, new TensorData(shape, v));
    });
    return folder(dir.resolve(name), t);
  }

  @Test
  void theShareTakenFromEachInputFollowsTheWeights() {
    Map<String, long[]> shapes = new LinkedHashMap<>();
    shapes.put("big", new long[] {300, 250});
    shapes.put("other", new long[] {200, 225}); // 120,000 scalars in all
    List<Path> inputs = List.of(constantInput("a", shapes, 0), constantInput("b", shapes, 1),
        constantInput("c", shapes, 2));
    double[] w = {0.2, 0.3, 0.5};
    Map<String, float[]> merged = read(merge(MergeMethod.SELECT, inputs, null, new double[] {2, 3, 5}, 2024,
        "out", 10_000));
    long[] counts = new long[3];
    long n = 0;
    for (float[] v : merged.values()) {
      for (float x : v) {
        counts[(int) x]++;
        n++;
      }
    }
    assertEquals(120_000, n);
    double chiSquare = 0;
    for (int k = 0; k < 3; k++) {
      double expected = n * w[k];
      chiSquare += (counts[k] - expected) * (counts[k] - expected) / expected;
    }
    // 2 degrees of freedom: P(χ² > 27.6) = 1e-6. A merge ignoring the weights (uniform) scores ~14,000.
    assertTrue(chiSquare < 27.6, "χ² = " + chiSquare + " for counts " + java.util.Arrays.toString(counts));
  }

  @Test
  void chunkSizeDoesNotChangeTheResult() {
    List<Path> inputs = threeInputs();
    Path base = folder(dir.resolve("base"), randomTensors(4));
    for (MergeMethod m : MergeMethod.values()) {
      byte[] whole = MergeFixtures.bytes(merge(m, inputs, base, new double[] {1, 2, 3}, 9, "whole-" + m,
          ModelMerger.DEFAULT_CHUNK_VALUES).resolve("model.safetensors"));
      byte[] chunked = MergeFixtures.bytes(merge(m, inputs, base, new double[] {1, 2, 3}, 9, "chunked-" + m, 7)
          .resolve("model.safetensors"));
      assertArrayEquals(whole, chunked, m.cliName());
    }
  }

  @Test
  void selectResampleNeverKeepsTheBaseWhereAnInputChangedIt() {
    Map<String, TensorData> base = randomTensors(10);
    Random r = new Random(77);
    List<Path> inputs = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      // Each input changes about 30% of the scalars, as a sparse fine-tune would.
      inputs.add(folder(dir.resolve("in" + k), MergeFixtures.map(base, v -> {
        for (int j = 0; j < v.length; j++) {
          if (r.nextDouble() < 0.3) {
            v[j] += 1 + r.nextFloat();
          }
        }
        return v;
      })));
    }
    Path baseDir = folder(dir.resolve("base"), base);
    List<Map<String, float[]>> in = inputs.stream().map(MergeFixtures::read).toList();
    Map<String, float[]> resampled = read(merge(MergeMethod.SELECT_RESAMPLE, inputs, baseDir, 5, "resampled"));
    Map<String, float[]> selected = read(merge(MergeMethod.SELECT, inputs, baseDir, 5, "selected"));
    int changedSomewhere = 0;
    int selectKeptBase = 0;
    for (String name : base.keySet()) {
      float[] b = base.get(name).values();
      for (int j = 0; j < b.length; j++) {
        boolean anyChanged = false;
        boolean fromAnInput = false;
        for (Map<String, float[]> m : in) {
          anyChanged |= m.get(name)[j] != b[j];
          fromAnInput |= m.get(name)[j] == resampled.get(name)[j];
        }
        assertTrue(fromAnInput, name + "[" + j + "]");
        if (anyChanged) {
          changedSomewhere++;
          assertNotEquals(b[j], resampled.get(name)[j], name + "[" + j + "] kept the base's value");
          if (selected.get(name)[j] == b[j]) {
            selectKeptBase++;
          }
        } else {
          assertEquals(b[j], resampled.get(name)[j], name + "[" + j + "]: no input changed it");
        }
      }
    }
    assertTrue(changedSomewhere > 20, "the fixture changes scalars: " + changedSomewhere);
    assertTrue(selectKeptBase > 5, "plain select does keep base values here, so resampling did something: "
        + selectKeptBase);
  }

  @Test
  void weightedAverageOfF32IsExact() {
    Map<String, TensorData> ta = randomTensors(1);
    Map<String, TensorData> tb = randomTensors(2);
    List<Path> inputs = List.of(folder(dir.resolve("a"), ta), folder(dir.resolve("b"), tb));
    Map<String, float[]> merged = read(merge(MergeMethod.AVERAGE, inputs, null, new double[] {0.25, 0.75}, 0,
        "avg", 5));
    Map<String, float[]> unnormalised = read(merge(MergeMethod.AVERAGE, inputs, null, new double[] {1, 3}, 0,
        "avg13", 5));
    for (String name : ta.keySet()) {
      float[] a = ta.get(name).values();
      float[] b = tb.get(name).values();
      float[] expected = new float[a.length];
      for (int j = 0; j < a.length; j++) {
        expected[j] = (float) (0.25 * a[j] + 0.75 * b[j]);
      }
      assertArrayEquals(expected, merged.get(name), name);
      assertArrayEquals(expected, unnormalised.get(name), "1,3 is normalised to 0.25,0.75: " + name);
    }
    assertEquals(0.5f * 1 + 0.5f * 3, averageOf(DType.F32, 1f, 3f), "a hand-computed value");
  }

  /** The average of two one-scalar models stored in {@code dtype}, read back. */
  private float averageOf(DType dtype, float a, float b) {
    long[] shape = {1};
    String tag = dtype + "-" + a + "-" + b;
    List<Path> inputs = List.of(
        folder(dir.resolve("x-" + tag), MergeFixtures.CONFIG, Map.of("w", new TensorData(shape, new float[] {a})),
            dtype, Long.MAX_VALUE),
        folder(dir.resolve("y-" + tag), MergeFixtures.CONFIG, Map.of("w", new TensorData(shape, new float[] {b})),
            dtype, Long.MAX_VALUE));
    Path out = merge(MergeMethod.AVERAGE, inputs, null, "avg-" + tag.hashCode(), 0);
    assertEquals(dtype, MergeFixtures.dtype(out.resolve("model.safetensors"), "w"), "written in the inputs' dtype");
    return read(out).get("w")[0];
  }

  private Path merge(MergeMethod method, List<Path> inputs, Path base, String out, long seed) {
    return merge(method, inputs, base, null, seed, out, ModelMerger.DEFAULT_CHUNK_VALUES);
  }

  @Test
  void bf16AverageIsComputedInFloatAndRoundedOnceToBf16() {
    // 1 and 1 + 2^-7 are neighbours in BF16 (7 mantissa bits): their mean 1 + 2^-8 is a tie and
    // rounds to even, 1. F16 has room for it.
    float next = 1f + 0x1p-7f;
    assertEquals(1f, averageOf(DType.BF16, 1f, next));
    assertEquals(1f + 0x1p-8f, averageOf(DType.F16, 1f, next));
    // 3 · 2^-7 is odd in the last place: (1 + 2^-7 + 1 + 2^-6) / 2 = 1 + 1.5 · 2^-7 rounds up to 1 + 2^-6.
    assertEquals(1f + 0x1p-6f, averageOf(DType.BF16, next, 1f + 0x1p-6f));
    // Values that are not BF16 are rounded on writing the inputs; the merge sees the rounded ones.
    float stored = io.skillmix.model.io.DType.bf16ToFloat(DType.floatToBf16(0.1f));
    assertEquals(DType.bf16ToFloat(DType.floatToBf16(stored)), averageOf(DType.BF16, 0.1f, 0.1f));
  }

  @Test
  void aShardedFirstInputGivesAShardedOutputWithTheSameLayout() throws IOException {
    Map<String, TensorData> ta = randomTensors(1);
    Map<String, TensorData> tb = randomTensors(2);
    Path a = folder(dir.resolve("a"), MergeFixtures.CONFIG, ta, DType.F32, 100); // one tensor a shard
    Path b = folder(dir.resolve("b"), tb); // a single file: layouts may differ, contents may not
    assertTrue(Files.exists(a.resolve(ModelWeights.INDEX)));
    Path out = merge(MergeMethod.AVERAGE, List.of(a, b), null, "out", 0);
    assertFalse(Files.exists(out.resolve(ModelWeights.SINGLE)));
    JsonObject inIndex = JsonParser.parseString(Files.readString(a.resolve(ModelWeights.INDEX))).getAsJsonObject();
    JsonObject outIndex = JsonParser.parseString(Files.readString(out.resolve(ModelWeights.INDEX))).getAsJsonObject();
    assertEquals(inIndex.get("weight_map"), outIndex.get("weight_map"));
    assertEquals(inIndex.getAsJsonObject("metadata").get("total_size"),
        outIndex.getAsJsonObject("metadata").get("total_size"));
    Map<String, float[]> merged = read(out);
    for (String name : ta.keySet()) {
      float[] x = ta.get(name).values();
      float[] y = tb.get(name).values();
      for (int j = 0; j < x.length; j++) {
        assertEquals((float) (0.5 * x[j] + 0.5 * y[j]), merged.get(name)[j]);
      }
    }
  }

  @Test
  void theOutputFolderHoldsConfigTokenizerAndRecipe() throws IOException {
    List<Path> inputs = threeInputs();
    Path base = folder(dir.resolve("base"), randomTensors(4));
    Path out = merge(MergeMethod.SELECT_RESAMPLE, inputs, base, new double[] {1, 1, 2}, 5, "out", 100);
    assertEquals(Files.readString(inputs.get(0).resolve("config.json")), Files.readString(out.resolve("config.json")));
    assertTrue(Files.exists(out.resolve("tokenizer.json")));
    JsonObject recipe = JsonParser.parseString(Files.readString(out.resolve("merge_recipe.json"))).getAsJsonObject();
    assertEquals("select-resample", recipe.get("method").getAsString());
    assertEquals(3, recipe.getAsJsonArray("inputs").size());
    assertEquals(inputs.get(1).toAbsolutePath().toString(), recipe.getAsJsonArray("inputs").get(1).getAsString());
    assertEquals(base.toAbsolutePath().toString(), recipe.get("base").getAsString());
    assertEquals(0.5, recipe.getAsJsonArray("weights").get(2).getAsDouble());
    assertEquals(5, recipe.get("seed").getAsLong());
    assertEquals("skillmix test", recipe.get("skillmix_version").getAsString());
    assertTrue(recipe.get("date").getAsString().matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), recipe.get("date").toString());
    try (var files = Files.list(dir)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no staging folder left");
    }
  }

  private UserError refused(MergeRequest request) {
    UserError e = assertThrows(UserError.class,
        () -> ModelMerger.merge(request, "test", ModelMerger.Progress.NONE));
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    assertFalse(Files.exists(request.out()), "--out not created: " + e.getMessage());
    return e;
  }

  private MergeRequest request(List<Path> inputs) {
    return new MergeRequest(MergeMethod.SELECT, inputs, null, null, 1, dir.resolve("out"), false);
  }

  @Test
  void mismatchedModelsAreRefusedWithOneLineAndNoOutput() {
    Path a = folder(dir.resolve("a"), randomTensors(1));
    Map<String, TensorData> reshaped = randomTensors(2);
    reshaped.put("model.norm.weight", new TensorData(new long[] {2, 2}, new float[4]));
    Path shape = folder(dir.resolve("shape"), reshaped);
    UserError e = refused(request(List.of(a, shape)));
    assertTrue(e.getMessage().contains(shape.toString()) && e.getMessage().contains("'model.norm.weight'"),
        e.getMessage());

    Map<String, TensorData> renamed = randomTensors(2);
    renamed.put("lm_head.weight", renamed.remove("model.norm.weight"));
    Path names = folder(dir.resolve("names"), renamed);
    e = refused(request(List.of(a, names)));
    assertTrue(e.getMessage().contains(names.toString()) && e.getMessage().contains("model.norm.weight"),
        e.getMessage());

    Path bf16 = folder(dir.resolve("bf16"), MergeFixtures.CONFIG, randomTensors(2), DType.BF16, Long.MAX_VALUE);
    e = refused(request(List.of(a, bf16)));
    assertTrue(e.getMessage().contains("BF16"), e.getMessage());

    Path wider = folder(dir.resolve("wider"), MergeFixtures.CONFIG.replace("\"hidden_size\": 4", "\"hidden_size\": 8"),
        randomTensors(2), DType.F32, Long.MAX_VALUE);
    e = refused(request(List.of(a, wider)));
    assertTrue(e.getMessage().contains("hidden_size") && e.getMessage().contains("wider"), e.getMessage());

    Path base = folder(dir.resolve("base"), reshaped);
    e = refused(new MergeRequest(MergeMethod.SELECT_RESAMPLE, List.of(a, a), base, null, 1, dir.resolve("out"), false));
    assertTrue(e.getMessage().contains("base") && e.getMessage().contains("'model.norm.weight'"), e.getMessage());
  }

  @Test
  void badRequestsAreRefused() throws IOException {
    Path a = folder(dir.resolve("a"), randomTensors(1));
    Path b = folder(dir.resolve("b"), randomTensors(2));
    Path out = dir.resolve("out");
    assertTrue(refused(new MergeRequest(MergeMethod.SELECT_RESAMPLE, List.of(a, b), null, null, 1, out, false))
        .getMessage().contains("--base"));
    assertTrue(refused(new MergeRequest(MergeMethod.AVERAGE, List.of(a, b), null, new double[] {1, 2, 3}, 1, out,
        false)).getMessage().contains("--weights has 3 values for 2"));
    assertTrue(refused(new MergeRequest(MergeMethod.AVERAGE, List.of(a, b), null, new double[] {1.5, -0.5}, 1, out,
        false)).getMessage().contains("-0.5"));
    assertTrue(refused(new MergeRequest(MergeMethod.AVERAGE, List.of(a, b), null, new double[] {0, 0}, 1, out,
        false)).getMessage().contains("all zero"));
    assertTrue(refused(request(List.of(a))).getMessage().contains("at least two"));
    UserError intoInput = assertThrows(UserError.class, () -> ModelMerger.merge(
        new MergeRequest(MergeMethod.AVERAGE, List.of(a, b), null, null, 1, a, true), "t", ModelMerger.Progress.NONE));
    assertTrue(intoInput.getMessage().contains("is the input"), intoInput.getMessage());
    assertEquals(3, read(a).size(), "the input is untouched");

    Files.createDirectories(out);
    Files.writeString(out.resolve("keep.txt"), "x");
    UserError e = assertThrows(UserError.class, () -> ModelMerger.merge(request(List.of(a, b)), "t",
        ModelMerger.Progress.NONE));
    assertTrue(e.getMessage().contains("--overwrite"), e.getMessage());
    MergeRequest overwrite = new MergeRequest(MergeMethod.SELECT, List.of(a, b), null, null, 1, out, true);
    e = assertThrows(UserError.class, () -> ModelMerger.merge(overwrite, "t", ModelMerger.Progress.NONE));
    assertTrue(e.getMessage().contains("not an earlier output of skillmix merge"), e.getMessage());
    assertTrue(Files.exists(out.resolve("keep.txt")), "a folder merge did not write is left alone");
    OutputMarker.write(out, ModelMerger.COMMAND);
    ModelMerger.merge(overwrite, "t", ModelMerger.Progress.NONE);
    assertFalse(Files.exists(out.resolve("keep.txt")), "--overwrite replaces the folder");
    assertTrue(Files.exists(out.resolve("model.safetensors")));
  }
}
