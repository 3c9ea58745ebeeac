package io.skillmix.mix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.Device;
import io.skillmix.data.TokenizedExample;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelConfig;
import io.skillmix.model.ModelInputs;
import io.skillmix.model.ParameterSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A pool of evaluators divides a reward by dataset ({@link Reward#divided}): the parts of any
 * division, joined, are bit for bit the rewards one evaluator computes, MultiUAT's dropout draws
 * included (they are seeded per snapshot, {@link Reward.Models#step()}, and dataset, not by the order
 * of computation).
 */
class DividedRewardsTest {

  private static final ModelInputs INPUTS = ModelInputs.padded(0);
  private static final ModelConfig CONFIG =
      new ModelConfig("llama", 259, 32, 64, 1, 2, 1, 16, 128, 10000.0, 1e-5, true, false, 257, 258);

  private static List<TokenizedExample> skill(int base, int n, long seed) {
    Random random = new Random(seed);
    List<TokenizedExample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int[] ids = new int[20];
      boolean[] target = new boolean[20];
      for (int t = 0; t < ids.length; t++) {
        ids[t] = base + (t % 3 == 0 ? random.nextInt(5) : t % 3);
        target[t] = t >= 6;
      }
      out.add(new TokenizedExample(ids, target));
    }
    return out;
  }

  @Test
  void partsOfAnyDivisionJoinToTheWholeRewards() {
    List<List<TokenizedExample>> sets = List.of(skill(10, 4, 1), skill(60, 4, 2), skill(120, 4, 3));
    RewardEvaluator.RewardBatches batches = new RewardEvaluator.RewardBatches(sets, sets);
    try (LanguageModel start = LanguageModel.random(CONFIG, Device.cpu(), 4);
        LanguageModel later = LanguageModel.random(CONFIG, Device.cpu(), 5)) {
      ParameterSnapshot theta0 = new ParameterSnapshot(0, start.exportWeights());
      ParameterSnapshot snapshot = new ParameterSnapshot(24, later.exportWeights());
      for (String name : List.of("cossim", "diff", "multiuat")) {
        for (int specialist : new int[] {-1, 1}) {
          Reward reward = Rewards.named(name);
          Reward.Context options = name.equals("multiuat")
              ? Reward.Context.with(reward, specialist, 11, "passes=3", "dropout=0.2")
              : Reward.Context.defaults(reward, specialist, 11);
          try (ModelRewards one = ModelRewards.of(reward, options, CONFIG, INPUTS);
              ModelRewards a = ModelRewards.of(reward, options, CONFIG, INPUTS);
              ModelRewards b = ModelRewards.of(reward, options, CONFIG, INPUTS)) {
            for (ModelRewards m : List.of(one, a, b)) {
              m.setReference(theta0);
            }
            double[] whole = one.rewards(snapshot, batches);
            // Two members: datasets {2} and {0, 1}, computed in that order on separate replicas.
            double[][] second = b.parts(snapshot, batches, new int[] {2});
            double[][] first = a.parts(snapshot, batches, new int[] {0, 1});
            double[] joined = reward.divided(options).join(new double[][] {first[0], first[1], second[0]});
            assertArrayEquals(whole, joined, 0, name + " specialist " + specialist);
          }
        }
      }
    }
  }

  @Test
  void multiUatDrawsPerSnapshotAndDataset() {
    List<List<TokenizedExample>> sets = List.of(skill(10, 4, 1), skill(10, 4, 1));
    try (LanguageModel model = LanguageModel.random(CONFIG, Device.cpu(), 4);
        ModelRewards uat = ModelRewards.of(Rewards.named("multiuat"), Reward.Context.with(Rewards.named("multiuat"),
            -1, 11, "passes=3", "dropout=0.3"), CONFIG, INPUTS)) {
      ParameterSnapshot at8 = new ParameterSnapshot(8, model.exportWeights());
      ParameterSnapshot at16 = new ParameterSnapshot(16, model.exportWeights());
      uat.setReference(at8);
      RewardEvaluator.RewardBatches batches = new RewardEvaluator.RewardBatches(List.of(), sets);
      double[] first = uat.rewards(at8, batches);
      // the same examples and weights, other masks: dataset 1 is not dataset 0, snapshot 16 not snapshot 8
      assertNotEquals(first[0], first[1]);
      assertNotEquals(first[0], uat.rewards(at16, batches)[0]);
      // and the same snapshot again draws the same masks: no state carried from call to call
      assertArrayEquals(first, uat.rewards(at8, batches), 0);
    }
  }

  @Test
  void multiDdsDoesNotDivide() {
    assertNull(Rewards.named("multidds").divided(Reward.Context.defaults(Rewards.named("multidds"), -1, 11)));
  }
}
