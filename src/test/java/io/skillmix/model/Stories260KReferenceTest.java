package io.skillmix.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * stories260K, a Llama checkpoint this project did not write, against an independent float32
 * implementation ({@code bench/reference_llama.py}, torch, no cache, one prompt at a time). Its
 * output is committed as {@code reference/stories260K-greedy.json}; this test reads that, so it
 * needs no Python. The three prompts go as ONE left-padded batch through the KV cache, so the
 * test checks loading, the forward pass, caching, padding and positions together.
 */
class Stories260KReferenceTest {

  /** In the test resources, so every clone runs this test (its README there says what it is). */
  static final Path FOLDER = io.skillmix.testkit.TestModels.STORIES_260K;

  private static final double TOLERANCE = 1e-4;

  private static LanguageModel model;
  private static JsonObject reference;

  @BeforeAll
  static void load() throws Exception {
    model = LanguageModel.load(FOLDER, Device.cpu());
    try (var in = Stories260KReferenceTest.class.getResourceAsStream("/reference/stories260K-greedy.json")) {
      reference = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8))
          .getAsJsonObject();
    }
  }

  @AfterAll
  static void close() {
    if (model != null) {
      model.close();
    }
  }

  @Test
  void batchedCachedGreedyGenerationMatchesTheReference() {
    JsonArray prompts = reference.getAsJsonArray("prompts");
    int steps = reference.get("steps").getAsInt();
    int[][] ids = new int[prompts.size()][];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = ints(prompts.get(i).getAsJsonObject().getAsJsonArray("prompt_ids"));
    }
    int vocab = model.config().vocabSize();
    // Every token as an alternative: the first prompt's full rows are compared as well.
    var settings = new Generator.Settings(steps, 0, 1, 0, Set.of(), vocab);
    List<Generator.Generated> out = Generator.generate(model, ids, settings, (s, id, last) -> {});

    for (int i = 0; i < ids.length; i++) {
      JsonObject expected = prompts.get(i).getAsJsonObject();
      assertArrayEquals(ints(expected.getAsJsonArray("ids")), out.get(i).ids(), "greedy ids of prompt " + i);
      JsonArray steps_ = expected.getAsJsonArray("logprobs");
      for (int n = 0; n < steps; n++) {
        JsonObject step = steps_.get(n).getAsJsonObject();
        TokenLogprobs got = out.get(i).logprobs().get(n);
        String where = "prompt " + i + " step " + n;
        assertEquals(step.get("logprob").getAsDouble(), got.logprob(), TOLERANCE, where);
        JsonArray top = step.getAsJsonArray("top");
        for (int k = 0; k < top.size(); k++) {
          JsonObject alt = top.get(k).getAsJsonObject();
          assertEquals(alt.get("id").getAsInt(), got.top().get(k).id(), where + " top " + k);
          assertEquals(alt.get("logprob").getAsDouble(), got.top().get(k).logprob(), TOLERANCE,
              where + " top " + k);
        }
      }
    }
    JsonArray rows = prompts.get(0).getAsJsonObject().getAsJsonArray("step_log_softmax");
    for (int n = 0; n < steps; n++) {
      Map<Integer, Double> byId = new HashMap<>();
      out.get(0).logprobs().get(n).top().forEach(a -> byId.put(a.id(), a.logprob()));
      assertEquals(vocab, byId.size());
      JsonArray row = rows.get(n).getAsJsonArray();
      for (int v = 0; v < vocab; v++) {
        assertEquals(row.get(v).getAsDouble(), byId.get(v), TOLERANCE, "step " + n + " token " + v);
      }
    }
  }

  @Test
  void fullForwardLogSoftmaxMatchesTheReferenceAtEveryPromptPosition() {
    JsonObject first = reference.getAsJsonArray("prompts").get(0).getAsJsonObject();
    long[] prompt = longs(first.getAsJsonArray("prompt_ids"));
    JsonArray rows = first.getAsJsonArray("prompt_log_softmax");
    GradMode.disableOnThisThread();
    try (NDManager scope = model.manager().newSubManager()) {
      NDArray ids = scope.create(prompt, new Shape(1, prompt.length));
      NDArray mask = scope.ones(new Shape(1, prompt.length)).toType(ai.djl.ndarray.types.DataType.INT64, false);
      float[] logSoftmax = model.forward(ids, mask, null).get(0).logSoftmax(-1).toFloatArray();
      int vocab = model.config().vocabSize();
      for (int t = 0; t < prompt.length; t++) {
        JsonArray row = rows.get(t).getAsJsonArray();
        for (int v = 0; v < vocab; v++) {
          assertEquals(row.get(v).getAsDouble(), logSoftmax[t * vocab + v], TOLERANCE,
              "position " + t + " token " + v);
        }
      }
    }
  }

  private static int[] ints(JsonArray array) {
    int[] out = new int[array.size()];
    int i = 0;
    for (JsonElement e : array) {
      out[i++] = e.getAsInt();
    }
    return out;
  }

  private static long[] longs(JsonArray array) {
    long[] out = new long[array.size()];
    int i = 0;
    for (JsonElement e : array) {
      out[i++] = e.getAsLong();
    }
    return out;
  }
}
