package io.skillmix.mix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.skillmix.data.TokenizedExample;
import io.skillmix.eval.HeldOutLoss;
import io.skillmix.model.GradMode;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelConfig;
import io.skillmix.model.ModelInputs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The evaluator's work of the new mixers on a tiny model: DynamixSFT's look-ahead, fms ODM's entropies. */
class MixerRewardsTest {

  private static final ModelInputs INPUTS = ModelInputs.padded(0);
  private static final ModelConfig CONFIG =
      new ModelConfig("llama", 259, 32, 64, 1, 2, 1, 16, 128, 10000.0, 1e-5, true, false, 257, 258);

  private static List<TokenizedExample> skill(int base, int n, long seed) {
    Random random = new Random(seed);
    List<TokenizedExample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int[] ids = new int[20 + i % 3];
      boolean[] target = new boolean[ids.length];
      for (int t = 0; t < ids.length; t++) {
        ids[t] = base + (t % 4 == 0 ? random.nextInt(4) : t % 4);
        target[t] = t >= 8;
      }
      out.add(new TokenizedExample(ids, target));
    }
    return out;
  }

  private static double[] rewards(Reward reward, LanguageModel model, double lr, List<List<TokenizedExample>> data) {
    GradMode.disableOnThisThread();
    return reward.start(Reward.Context.defaults(new HeldOutLossReward(), -1, 1))
        .rewards(new Reward.Models(model, null, INPUTS, 0, lr), new RewardEvaluator.RewardBatches(data, data));
  }

  @Test
  void theLookAheadStepLowersTheLossOfItsBatchAndIsUndoneAfter() {
    List<List<TokenizedExample>> data = List.of(skill(10, 6, 1), skill(100, 6, 2));
    try (LanguageModel model = LanguageModel.random(CONFIG, Device.cpu(), 3)) {
      Map<String, float[]> before = model.exportWeights();
      double[] r = rewards(new LookaheadReward(Double.NaN), model, 0.05, data);
      assertTrue(r[0] > 0 && r[1] > 0, "a descent step improves the batch it was taken on: "
          + java.util.Arrays.toString(r));
      Map<String, float[]> after = model.exportWeights();
      for (String name : before.keySet()) {
        assertArrayEquals(before.get(name), after.get(name), 0, name + " is as before the virtual step");
      }
      double[] none = rewards(new LookaheadReward(0.0), model, 0.05, data);
      assertEquals(0, none[0], 1e-5, "a step of rate 0 changes nothing (training and evaluation passes agree)");
      assertArrayEquals(r, rewards(new LookaheadReward(Double.NaN), model, 0.05, data), 0, "repeatable");
      double[] bigger = rewards(new LookaheadReward(0.2), model, Double.NaN, data);
      assertTrue(bigger[0] > r[0], "a fixed rate replaces the learner's");
    }
  }

  @Test
  void fmsEntropiesAreNormalisedByLnVAndTheValidationLossIsTheHeldOutLoss() {
    List<List<TokenizedExample>> data = List.of(skill(10, 5, 1), skill(100, 5, 2));
    try (LanguageModel model = LanguageModel.random(CONFIG, Device.cpu(), 3)) {
      double[] own = rewards(new FmsRewards("entropy", 0), model, Double.NaN, data);
      double[] coded = rewards(new FmsRewards("entropy", 32000), model, Double.NaN, data);
      for (int i = 0; i < 2; i++) {
        assertTrue(own[i] > 0 && own[i] <= 1, "in [0, 1]: " + own[i]);
        assertEquals(own[i] * Math.log(259) / Math.log(32000), coded[i], 1e-6, "the code's V = 32000 rescales it");
      }
      double[] last = rewards(new FmsRewards("entropy_last_token", 0), model, Double.NaN, data);
      double[] mixed = rewards(new FmsRewards("entropy3_varent1", 0), model, Double.NaN, data);
      for (int i = 0; i < 2; i++) {
        assertTrue(last[i] > 0 && last[i] <= 1 && mixed[i] >= 0.75 * own[i] && mixed[i] <= 0.75 * own[i] + 0.25);
      }
      double[] loss = rewards(new FmsRewards("validation_loss", 0), model, Double.NaN, data);
      assertEquals(HeldOutLoss.evaluate(model, INPUTS, "a", data.get(0), 16).meanLoss(), loss[0], 0);
    }
  }
}
