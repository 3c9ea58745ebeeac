package io.skillmix.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.skillmix.data.TokenizedExample;
import io.skillmix.model.ModelInputs;
import io.skillmix.learn.Trainer;
import io.skillmix.model.GradMode;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.LoraAdapters;
import io.skillmix.model.LoraSettings;
import io.skillmix.model.ModelConfig;
import io.skillmix.model.ParameterSnapshot;
import io.skillmix.run.RunSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ModelRewardsTest {

  /** Rows as the rewards of a run build them (this config's vocabulary has no pad token: 0 fills). */
  private static final ModelInputs INPUTS = ModelInputs.padded(0);


  private static final ModelConfig CONFIG =
      new ModelConfig("llama", 259, 32, 64, 1, 2, 1, 16, 128, 10000.0, 1e-5, true, false, 257, 258);

  /** Examples of one "skill": a repeated pattern of bytes from its own alphabet. */
  private static List<TokenizedExample> skill(int base, int n, long seed) {
    Random random = new Random(seed);
    List<TokenizedExample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int[] ids = new int[24];
      boolean[] target = new boolean[24];
      for (int t = 0; t < ids.length; t++) {
        ids[t] = base + (t % 4 == 0 ? random.nextInt(4) : t % 4);
        target[t] = t >= 8;
      }
      out.add(new TokenizedExample(ids, target));
    }
    return out;
  }

  private static RewardEvaluator.RewardBatches batches(List<List<TokenizedExample>> train) {
    return new RewardEvaluator.RewardBatches(train, train);
  }

  @Test
  void diffIsOneAtTheStartAndFallsForTheDatasetBeingLearned() {
    List<TokenizedExample> a = skill(10, 8, 1);
    List<TokenizedExample> b = skill(100, 8, 2);
    try (LanguageModel start = LanguageModel.random(CONFIG, Device.cpu(), 4);
        ModelRewards diff = ModelRewards.of(Rewards.named("diff"), Reward.Context.with(Rewards.named("diff"), -1, 1), CONFIG, INPUTS)) {
      ParameterSnapshot theta0 = new ParameterSnapshot(0, start.exportWeights());
      diff.setReference(theta0);
      double[] atStart = diff.rewards(theta0, batches(List.of(a, b)));
      assertEquals(1.0, atStart[0], 1e-12);
      assertEquals(1.0, atStart[1], 1e-12);

      try (Trainer trainer = new Trainer(LanguageModel.random(CONFIG, Device.cpu(), 4),
          new io.skillmix.learn.TrainSettings(40, 8, 8, 1e-2, 0.0, 0.0, 0.9, 0.95, 1e-8, 1.0, 1000), 0)) {
        for (int i = 0; i < 40; i++) {
          trainer.step(skill(10, 8, 100 + i)); // only dataset a is learned
        }
        double[] later = diff.rewards(trainer.snapshot(40), batches(List.of(a, b)));
        assertTrue(later[0] < 0.9, "learned dataset's perplexity ratio " + later[0]);
        assertTrue(later[0] < later[1], "a " + later[0] + " vs b " + later[1]);
      }
      // MoSpec doubles the target's reward.
      try (ModelRewards spec = ModelRewards.of(Rewards.named("diff"), Reward.Context.with(Rewards.named("diff"), 1, 1), CONFIG, INPUTS)) {
        spec.setReference(theta0);
        double[] r = spec.rewards(theta0, batches(List.of(a, b)));
        assertEquals(1.0, r[0], 1e-12);
        assertEquals(2.0, r[1], 1e-12);
      }
    }
  }

  @Test
  void withLoraTheEvaluatorTakesThetaZeroOnceThenAdaptersAloneAndDiffComparesWithTheBase() {
    List<TokenizedExample> a = skill(10, 8, 1);
    List<TokenizedExample> b = skill(100, 8, 2);
    LoraSettings lora = new LoraSettings(4, 8, 0, LoraSettings.ALL_PROJECTIONS);
    LanguageModel model = LanguageModel.random(CONFIG, Device.cpu(), 4);
    model.addLora(lora, 3);
    try (Trainer trainer = new Trainer(model,
            new io.skillmix.learn.TrainSettings(40, 8, 8, 1e-2, 0.0, 0.0, 0.9, 0.95, 1e-8, 1.0, 1000), 0);
        ModelRewards diff = ModelRewards.of(Rewards.named("diff"), Reward.Context.with(Rewards.named("diff"), -1, 1), CONFIG, lora, INPUTS)) {
      diff.setReference(trainer.reference());
      ParameterSnapshot first = trainer.snapshot(0);
      assertTrue(first.weights().keySet().stream().allMatch(LoraAdapters::isAdapterName), "adapters alone");
      double[] atStart = diff.rewards(first, batches(List.of(a, b)));
      assertEquals(1.0, atStart[0], 1e-12);
      assertEquals(1.0, atStart[1], 1e-12);
      for (int i = 0; i < 40; i++) {
        trainer.step(skill(10, 8, 100 + i)); // only dataset a is learned
      }
      double[] later = diff.rewards(trainer.snapshot(40), batches(List.of(a, b)));
      assertTrue(later[0] < 0.9, "learned dataset's perplexity ratio " + later[0]);
      assertTrue(later[0] < later[1], "a " + later[0] + " vs b " + later[1]);
    }
  }

  @Test
  void cosSimOfDatasetsWithTheSameExamplesIsOne() {
    List<TokenizedExample> same = skill(10, 6, 3);
    try (LanguageModel model = LanguageModel.random(CONFIG, Device.cpu(), 5);
        ModelRewards cosSim = ModelRewards.of(Rewards.named("cossim"), Reward.Context.with(Rewards.named("cossim"), -1, 1), CONFIG, INPUTS)) {
      ParameterSnapshot snapshot = new ParameterSnapshot(0, model.exportWeights());
      cosSim.setReference(snapshot);
      double[] r = cosSim.rewards(snapshot, batches(List.of(same, same, same)));
      for (double x : r) {
        assertEquals(1.0, x, 1e-6);
      }
      double[] different = cosSim.rewards(snapshot, batches(List.of(same, skill(200, 6, 4))));
      assertTrue(different[0] < 1.0 && different[1] < 1.0);
    }
  }

  @Test
  void multiUatIsReproducibleForASeed() {
    List<TokenizedExample> a = skill(10, 4, 1);
    try (LanguageModel model = LanguageModel.random(CONFIG, Device.cpu(), 6);
        ModelRewards first = ModelRewards.of(Rewards.named("multiuat"), Reward.Context.with(Rewards.named("multiuat"), -1, 9, "passes=4", "dropout=0.2"), CONFIG, INPUTS);
        ModelRewards second = ModelRewards.of(Rewards.named("multiuat"), Reward.Context.with(Rewards.named("multiuat"), -1, 9, "passes=4", "dropout=0.2"), CONFIG, INPUTS)) {
      ParameterSnapshot snapshot = new ParameterSnapshot(0, model.exportWeights());
      first.setReference(snapshot);
      second.setReference(snapshot);
      assertEquals(first.rewards(snapshot, batches(List.of(a)))[0], second.rewards(snapshot, batches(List.of(a)))[0], 0);
    }
  }

  /**
   * Without dropout every pass is the plain model: enttp is the token-weighted mean entropy of its
   * prediction over the response positions, pretp one less the mean probability of the top tokens.
   */
  @Test
  void multiUatWithoutDropoutMeasuresThePlainModel() {
    List<TokenizedExample> a = skill(10, 3, 2);
    a.set(1, new TokenizedExample(java.util.Arrays.copyOf(a.get(1).ids(), 16),
        java.util.Arrays.copyOf(a.get(1).target(), 16))); // examples of different lengths
    try (LanguageModel model = LanguageModel.random(CONFIG, Device.cpu(), 6);
        ModelRewards ent = ModelRewards.of(Rewards.named("multiuat"), Reward.Context.with(Rewards.named("multiuat"), -1, 9, "passes=3", "dropout=0.0"), CONFIG, INPUTS);
        ModelRewards pre = ModelRewards.of(Rewards.named("multiuat"), Reward.Context.with(Rewards.named("multiuat"), -1, 9, "passes=2", "dropout=0.0", "variant=pretp"), CONFIG, INPUTS);
        NDManager scope = model.manager().newSubManager()) {
      ParameterSnapshot snapshot = new ParameterSnapshot(0, model.exportWeights());
      ent.setReference(snapshot);
      pre.setReference(snapshot);
      double entropyReward = ent.rewards(snapshot, batches(List.of(a)))[0];
      double pretpReward = pre.rewards(snapshot, batches(List.of(a)))[0];

      GradMode.disableOnThisThread();
      ModelInputs.Rows in = INPUTS.shifted(a);
      NDArray p = model.forward(in.ids(scope), in.mask(scope), null)
          .get(0).softmax(-1);
      float[] h = p.mul(p.log()).sum(new int[] {-1}).neg().toFloatArray();
      float[] top = p.max(new int[] {-1}).toFloatArray();
      double sum = 0;
      int count = 0;
      double sequenceProbability = 0;
      for (int b = 0; b < in.batch(); b++) {
        double product = 1;
        for (int t = 0; t < in.length(); t++) {
          if (in.weights()[b * in.length() + t] != 0) {
            sum += h[b * in.length() + t];
            count++;
            product *= top[b * in.length() + t];
          }
        }
        sequenceProbability += product / in.batch();
      }
      assertTrue(sum / count > 0.5, "a random model is unsure: " + sum / count);
      assertEquals(sum / count, entropyReward, 1e-4);
      assertEquals(1 - sequenceProbability, pretpReward, 1e-5);
    }
  }

  /** Dropout makes the passes differ, so the measure moves off the plain model's. */
  @Test
  void multiUatDropoutChangesTheMeasure() {
    List<TokenizedExample> a = skill(10, 3, 2);
    try (LanguageModel model = LanguageModel.random(CONFIG, Device.cpu(), 6);
        ModelRewards plain = ModelRewards.of(Rewards.named("multiuat"), Reward.Context.with(Rewards.named("multiuat"), -1, 9, "passes=2", "dropout=0.0", "variant=vartp"), CONFIG, INPUTS);
        ModelRewards dropped = ModelRewards.of(Rewards.named("multiuat"), Reward.Context.with(Rewards.named("multiuat"), -1, 9, "passes=2", "dropout=0.5", "variant=vartp"), CONFIG, INPUTS)) {
      ParameterSnapshot snapshot = new ParameterSnapshot(0, model.exportWeights());
      plain.setReference(snapshot);
      dropped.setReference(snapshot);
      double r0 = plain.rewards(snapshot, batches(List.of(a)))[0];
      double r1 = dropped.rewards(snapshot, batches(List.of(a)))[0];
      assertTrue(Double.isFinite(r0) && Double.isFinite(r1) && r0 != r1, r0 + " vs " + r1);
    }
  }
}
