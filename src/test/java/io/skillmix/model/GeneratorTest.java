package io.skillmix.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Stop sets, log-probabilities and the streaming listener of {@link Generator}. */
class GeneratorTest {

  @Test
  void logprobsAreTheUntemperedLogSoftmaxOfTheFullForwardPass() {
    try (LanguageModel model = LanguageModel.random(ModelFixtures.llama(), Device.cpu(), 11)) {
      int[] prompt = {3, 1, 4, 1, 5};
      // Sampled at temperature 1.7: the reported log-probabilities are still the model's own.
      var settings = new Generator.Settings(6, 1.7, 0.9, 5, Set.of(), 4);
      Generator.Generated g = Generator.generate(model, new int[][] {prompt}, settings, (s, id, l) -> {}).get(0);
      assertEquals(6, g.ids().length);
      long[] seq = new long[prompt.length + g.ids().length];
      for (int i = 0; i < seq.length; i++) {
        seq[i] = i < prompt.length ? prompt[i] : g.ids()[i - prompt.length];
      }
      float[] rows = logSoftmax(model, seq);
      int vocab = model.config().vocabSize();
      for (int n = 0; n < g.ids().length; n++) {
        int row = (prompt.length - 1 + n) * vocab;
        TokenLogprobs step = g.logprobs().get(n);
        assertEquals(g.ids()[n], step.id());
        assertEquals(rows[row + step.id()], step.logprob(), 1e-5, "step " + n);
        assertEquals(4, step.top().size());
        float[] sorted = Arrays.copyOfRange(rows, row, row + vocab);
        Arrays.sort(sorted);
        for (int k = 0; k < 4; k++) {
          TokenLogprobs.Alternative a = step.top().get(k);
          assertEquals(sorted[vocab - 1 - k], a.logprob(), 1e-5, "step " + n + " top " + k);
          assertEquals(rows[row + a.id()], a.logprob(), 1e-5);
        }
      }
    }
  }

  @Test
  void aSequenceStopsAtAnyStopIdWhileTheOthersGoOn() {
    try (LanguageModel model = LanguageModel.random(ModelFixtures.llama(), Device.cpu(), 12)) {
      int[][] prompts = {{5, 6, 7}, {8, 9}};
      int[][] free = Generator.generate(model, prompts, Generator.Settings.greedy(8, -1));
      // Stop the first prompt at its third greedy token; the second must not contain it early.
      int stop = free[0][2];
      int firstInSecond = indexOf(free[1], stop);
      var settings = new Generator.Settings(8, 0, 1, 0, Set.of(stop, 999), -1);
      List<int[]> heard = new ArrayList<>();
      List<Generator.Generated> out = Generator.generate(model, prompts, settings,
          (s, id, last) -> heard.add(new int[] {s, id, last ? 1 : 0}));
      int firstStop = indexOf(free[0], stop);
      assertArrayEquals(Arrays.copyOf(free[0], firstStop + 1), out.get(0).ids());
      assertTrue(out.get(0).stopped());
      int expectedSecond = firstInSecond < 0 ? 8 : firstInSecond + 1;
      assertArrayEquals(Arrays.copyOf(free[1], expectedSecond), out.get(1).ids());
      assertEquals(firstInSecond >= 0, out.get(1).stopped());
      assertTrue(out.get(0).logprobs().isEmpty(), "no log-probabilities unless asked");
      // The listener heard every token once, in order, and 'last' exactly on each final one.
      for (int s = 0; s < 2; s++) {
        int sequence = s;
        int[] ids = heard.stream().filter(h -> h[0] == sequence).mapToInt(h -> h[1]).toArray();
        assertArrayEquals(out.get(s).ids(), ids);
        long lasts = heard.stream().filter(h -> h[0] == sequence && h[2] == 1).count();
        assertEquals(1, lasts);
        assertEquals(1, heard.stream().filter(h -> h[0] == sequence).reduce((a, b) -> b).get()[2]);
      }
      assertFalse(heard.isEmpty());
    }
  }

  @Test
  void samplingIsSeededPerPromptSoAPromptSamplesTheSameAloneAndFirstInABatch() {
    try (LanguageModel model = LanguageModel.random(ModelFixtures.llama(), Device.cpu(), 13)) {
      int[][] batch = {{5, 6, 7}, {8, 9, 10, 11}};
      var seeded = new Generator.Settings(10, 1.0, 0.95, 21, Set.of(), -1);
      int[][] once = Generator.generate(model, batch, seeded);
      assertArrayEquals(once[0], Generator.generate(model, batch, seeded)[0]);
      assertArrayEquals(once[1], Generator.generate(model, batch, seeded)[1]);
      assertArrayEquals(once[0], Generator.generate(model, new int[][] {batch[0]}, seeded)[0]);
      boolean differs = false;
      for (long seed = 22; seed < 26 && !differs; seed++) {
        var other = new Generator.Settings(10, 1.0, 0.95, seed, Set.of(), -1);
        differs = !Arrays.equals(once[0], Generator.generate(model, new int[][] {batch[0]}, other)[0]);
      }
      assertTrue(differs, "another seed samples another text");
    }
  }

  @Test
  void generationLeavesNothingInTheModelsManager() {
    try (LanguageModel model = LanguageModel.random(ModelFixtures.llama(), Device.cpu(), 14)) {
      int[][] prompts = {{5, 6, 7}, {8, 9}};
      var settings = new Generator.Settings(5, 0.8, 0.9, 1, Set.of(), 3);
      Generator.generate(model, prompts, settings); // warm: parameters may create lazily
      model.manager().cap(); // from now on anything attached to it throws
      Generator.generate(model, prompts, settings);
      assertThrows(IllegalStateException.class, () -> model.manager().create(1f), "the cap holds");
    }
  }

  private static int indexOf(int[] ids, int id) {
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] == id) {
        return i;
      }
    }
    return -1;
  }

  private static float[] logSoftmax(LanguageModel model, long[] ids) {
    GradMode.disableOnThisThread();
    try (NDManager scope = model.manager().newSubManager()) {
      NDArray input = scope.create(ids, new Shape(1, ids.length));
      NDArray mask = scope.ones(new Shape(1, ids.length)).toType(DataType.INT64, false);
      return model.forward(input, mask, null).get(0).logSoftmax(-1).toFloatArray();
    }
  }
}
