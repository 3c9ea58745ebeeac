package io.skillmix.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.skillmix.data.TokenizedExample;
import io.skillmix.model.GradMode;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelConfig;
import io.skillmix.model.ParameterSnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

/** mix.diff-tokens: the Diff reward over response tokens (the paper) or the whole sequence (the official code). */
class DiffTokensTest {

  private static final ModelConfig CONFIG =
      new ModelConfig("llama", 259, 32, 64, 1, 2, 1, 16, 128, 10000.0, 1e-5, true, false, 257, 258);

  /** ids with the response starting at {@code responseFrom}. */
  private static TokenizedExample example(int responseFrom, int... ids) {
    boolean[] target = new boolean[ids.length];
    for (int t = responseFrom; t < ids.length; t++) {
      target[t] = true;
    }
    return new TokenizedExample(ids, target);
  }

  /** Two datasets of examples of different lengths and prompt lengths, so the batched path pads. */
  private static final List<List<TokenizedExample>> DATA = List.of(
      List.of(example(3, 257, 40, 41, 42, 43, 44, 258), example(5, 257, 70, 71, 72, 73, 74, 75, 76, 77, 258)),
      List.of(example(2, 257, 100, 101, 102, 258), example(4, 257, 9, 8, 7, 6, 5, 4, 258), example(1, 257, 33, 258)));

  /**
   * By hand, one example at a time, no padding: the mean over the counted positions t (those whose
   * next token is a response token, or every t for the whole sequence) of −log softmax(logits_t)[id_{t+1}].
   */
  private static double meanNll(LanguageModel model, TokenizedExample e, boolean wholeSequence) {
    GradMode.disableOnThisThread();
    int n = e.length() - 1;
    long[] ids = new long[n];
    long[] mask = new long[n];
    for (int t = 0; t < n; t++) {
      ids[t] = e.ids()[t];
      mask[t] = 1;
    }
    float[] logits;
    try (NDManager scope = model.manager().newSubManager()) {
      Shape shape = new Shape(1, n);
      logits = model.forward(scope.create(ids, shape), scope.create(mask, shape), null).get(0).toFloatArray();
    }
    int v = CONFIG.vocabSize();
    double sum = 0;
    int count = 0;
    for (int t = 0; t < n; t++) {
      if (!wholeSequence && !e.target()[t + 1]) {
        continue;
      }
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < v; k++) {
        max = Math.max(max, logits[t * v + k]);
      }
      double z = 0;
      for (int k = 0; k < v; k++) {
        z += Math.exp(logits[t * v + k] - max);
      }
      sum += max + Math.log(z) - logits[t * v + e.ids()[t + 1]];
      count++;
    }
    return sum / count;
  }

  private static double[] byHand(LanguageModel theta, LanguageModel theta0, boolean wholeSequence) {
    double[] r = new double[DATA.size()];
    for (int i = 0; i < DATA.size(); i++) {
      for (TokenizedExample e : DATA.get(i)) {
        r[i] += Math.exp(meanNll(theta, e, wholeSequence) - meanNll(theta0, e, wholeSequence)) / DATA.get(i).size();
      }
    }
    return r;
  }

  private static double[] reward(DiffTokens tokens, ParameterSnapshot theta, ParameterSnapshot theta0) {
    try (ModelRewards diff = ModelRewards.of(Rewards.named("diff"), Reward.Context.with(Rewards.named("diff"), -1, 1, "tokens=" + tokens),
        CONFIG, io.skillmix.model.ModelInputs.padded(0))) {
      diff.setReference(theta0);
      return diff.rewards(theta, new RewardEvaluator.RewardBatches(DATA, DATA));
    }
  }

  @Test
  void responseAndSequenceEachComputeThePerplexityRatioTheySay() {
    try (LanguageModel theta0 = LanguageModel.random(CONFIG, Device.cpu(), 4);
        LanguageModel theta = LanguageModel.random(CONFIG, Device.cpu(), 7)) {
      ParameterSnapshot start = new ParameterSnapshot(0, theta0.exportWeights());
      ParameterSnapshot now = new ParameterSnapshot(10, theta.exportWeights());
      double[] response = reward(DiffTokens.RESPONSE, now, start);
      double[] sequence = reward(DiffTokens.SEQUENCE, now, start);
      double[] responseByHand = byHand(theta, theta0, false);
      double[] sequenceByHand = byHand(theta, theta0, true);
      for (int i = 0; i < DATA.size(); i++) {
        assertEquals(responseByHand[i], response[i], 1e-4 * responseByHand[i], "response, dataset " + i);
        assertEquals(sequenceByHand[i], sequence[i], 1e-4 * sequenceByHand[i], "sequence, dataset " + i);
        // The two really count different tokens here, so the check above tells them apart.
        assertTrue(Math.abs(response[i] - sequence[i]) > 1e-3 * response[i],
            "dataset " + i + ": response " + response[i] + " vs sequence " + sequence[i]);
      }
      assertEquals(1.0, reward(DiffTokens.SEQUENCE, start, start)[0], 1e-12, "θ = θ0: ratio 1");
    }
  }

  @Test
  void sequenceMakesEveryTokenATargetAndResponseChangesNothing() {
    TokenizedExample e = example(3, 257, 1, 2, 3, 4, 258);
    assertEquals(List.of(e), DiffTokens.RESPONSE.scored(List.of(e)));
    TokenizedExample whole = DiffTokens.SEQUENCE.scored(List.of(e)).get(0);
    assertEquals(e.length(), whole.targetCount());
    assertEquals(List.of(1, 2, 3), List.of(whole.ids()[1], whole.ids()[2], whole.ids()[3]));
  }
}
