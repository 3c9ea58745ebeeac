package io.skillmix.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.skillmix.data.TokenizedExample;
import io.skillmix.model.LanguageModel;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LogLikelihoodTest {

  private static LanguageModel model;

  @BeforeAll
  static void load() {
    model = EvalFixtures.model(11);
  }

  @AfterAll
  static void close() {
    model.close();
  }

  /** Random byte ids; the last {@code responseLength} tokens are targets. */
  private static TokenizedExample example(long seed, int length, int responseLength) {
    Random random = new Random(seed);
    int[] ids = new int[length];
    boolean[] target = new boolean[length];
    for (int t = 0; t < length; t++) {
      ids[t] = random.nextInt(256);
      target[t] = t >= length - responseLength;
    }
    return new TokenizedExample(ids, target);
  }

  /** The model's outputs for one unpadded sequence: logits (T, V) and hidden states (T, D). */
  private static float[][][] forward(TokenizedExample e) {
    int t = e.length();
    try (NDManager scope = model.manager().newSubManager()) {
      long[] ids = Arrays.stream(e.ids()).asLongStream().toArray();
      long[] mask = new long[t];
      Arrays.fill(mask, 1);
      NDList out = model.forward(scope.create(ids, new Shape(1, t)),
          scope.create(mask, new Shape(1, t)), null);
      return new float[][][] {rows(out.get(0).toFloatArray(), t), rows(out.get(1).toFloatArray(), t)};
    }
  }

  private static float[][] rows(float[] flat, int t) {
    int width = flat.length / t;
    float[][] out = new float[t][];
    for (int i = 0; i < t; i++) {
      out[i] = Arrays.copyOfRange(flat, i * width, (i + 1) * width);
    }
    return out;
  }

  @Test
  void scoreIsTheSumOfHandComputedLogSoftmaxOverTargetTokens() {
    TokenizedExample e = example(1, 12, 5);
    // A prompt token flagged as target at position 0 has no predictor and must not count.
    e.target()[0] = true;
    float[][] logits = forward(e)[0];
    double expected = 0;
    int count = 0;
    for (int t = 0; t + 1 < e.length(); t++) {
      if (!e.target()[t + 1]) {
        continue;
      }
      double max = Double.NEGATIVE_INFINITY;
      for (float v : logits[t]) {
        max = Math.max(max, v);
      }
      double z = 0;
      for (float v : logits[t]) {
        z += Math.exp(v - max);
      }
      expected += logits[t][e.ids()[t + 1]] - max - Math.log(z);
      count++;
    }
    LogLikelihood.Scores s = LogLikelihood.score(model, EvalFixtures.INPUTS, List.of(e), 4);
    assertEquals(5, count);
    assertEquals(count, s.counts()[0]);
    assertEquals(expected, s.logProbSums()[0], 1e-4);
    assertEquals(-expected / count, s.meanNll(0), 1e-5);
    assertEquals(Math.exp(-expected / count), s.perplexity(0), 1e-4);
    // A random model over 259 tokens is close to uniform: perplexity near 259.
    assertTrue(s.perplexity(0) > 150 && s.perplexity(0) < 450, "perplexity " + s.perplexity(0));
  }

  @Test
  void anExampleScoresTheSameAloneAndPaddedInABatchWithLongerOnes() {
    TokenizedExample shortOne = example(2, 6, 3);
    TokenizedExample longer = example(3, 15, 7);
    TokenizedExample longest = example(4, 21, 10);
    LogLikelihood.Scores alone = LogLikelihood.score(model, EvalFixtures.INPUTS, List.of(shortOne), 1);
    LogLikelihood.Scores batch = LogLikelihood.score(model, EvalFixtures.INPUTS, List.of(longer, shortOne, longest), 3);
    LogLikelihood.Scores longAlone = LogLikelihood.score(model, EvalFixtures.INPUTS, List.of(longest), 1);
    assertEquals(alone.logProbSums()[0], batch.logProbSums()[1], 1e-4);
    assertEquals(longAlone.logProbSums()[0], batch.logProbSums()[2], 1e-4);
    assertArrayEquals(new int[] {7, 3, 10}, batch.counts());
    assertEquals(20, batch.totalTargets());
    double tokenWeighted = -Arrays.stream(batch.logProbSums()).sum() / 20;
    assertEquals(tokenWeighted, batch.meanNll(), 1e-9);
  }

  @Test
  void meanHiddenAveragesRealTokensOnlyAndIgnoresPadding() {
    TokenizedExample shortOne = example(5, 5, 2);
    TokenizedExample longOne = example(6, 17, 4);
    float[][] hidden = forward(shortOne)[1];
    int d = EvalFixtures.CONFIG.hiddenSize();
    double[] expected = new double[d];
    for (float[] row : hidden) {
      for (int k = 0; k < d; k++) {
        expected[k] += row[k] / (double) hidden.length;
      }
    }
    double[][] alone = LogLikelihood.meanHidden(model, EvalFixtures.INPUTS, List.of(shortOne), 1);
    double[][] padded = LogLikelihood.meanHidden(model, EvalFixtures.INPUTS, List.of(longOne, shortOne), 2);
    assertEquals(2, padded.length);
    assertArrayEquals(expected, alone[0], 1e-5);
    assertArrayEquals(alone[0], padded[1], 1e-5);
    assertTrue(Math.abs(padded[0][0] - padded[1][0]) > 1e-7, "different examples, different means");
  }

  @Test
  void heldOutLossIsTokenWeightedOverTheDataset() {
    LogLikelihood.Scores s = new LogLikelihood.Scores(new double[] {-2, -6, 0}, new int[] {1, 3, 0});
    HeldOutLoss.Result r = HeldOutLoss.of("math", s);
    assertEquals(2.0, r.meanLoss(), 1e-12); // (2 + 6) / 4, not the mean of 2 and 2
    assertEquals(Math.exp(2.0), r.perplexity(), 1e-9);
    assertEquals(4, r.tokens());
    assertEquals(3, r.examples());
    assertEquals("heldout/math", r.rows().get(1).task());
    assertEquals("perplexity", r.rows().get(1).metric());
    assertTrue(Double.isNaN(HeldOutLoss.of("none", new LogLikelihood.Scores(new double[0],
        new int[0])).meanLoss()));

    List<TokenizedExample> examples = List.of(example(7, 9, 4), example(8, 13, 6));
    HeldOutLoss.Result fromModel = HeldOutLoss.evaluate(model, EvalFixtures.INPUTS, "x", examples, 2);
    LogLikelihood.Scores direct = LogLikelihood.score(model, EvalFixtures.INPUTS, examples, 1);
    assertEquals(direct.meanNll(), fromModel.meanLoss(), 1e-6);
    assertEquals(10, fromModel.tokens());
  }
}
