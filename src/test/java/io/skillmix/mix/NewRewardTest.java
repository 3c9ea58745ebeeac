package io.skillmix.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.skillmix.UserError;
import io.skillmix.compare.Arm;
import io.skillmix.config.ConfigLoader;
import io.skillmix.run.RunFixtures;
import io.skillmix.run.RunSettings;
import io.skillmix.run.TrainingRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adding a reward is one class and one registry line: {@link HeldOutNllReward}, registered only in
 * the test resources, is a value of mix.reward, a compare arm, and trains a real run.
 */
class NewRewardTest {

  @TempDir
  Path dir;

  @Test
  void theRegistryHoldsEveryRewardAndNamesThemInItsError() {
    assertTrue(Rewards.names().containsAll(List.of("cossim", "diff", "multidds", "multiuat", "heldout-nll")),
        Rewards.names().toString());
    UserError e = org.junit.jupiter.api.Assertions.assertThrows(UserError.class,
        () -> RunSettings.from(ConfigLoader.load(null, List.of("mix.mos.reward=kl"))));
    assertTrue(e.getMessage().startsWith("mix.mos.reward = 'kl' is not one of ") && e.getMessage().contains("heldout-nll")
        && e.getMessage().contains("cossim"), e.getMessage());
  }

  @Test
  void aRegisteredRewardIsASettingAndAnArm() {
    MixSettings mix = RunSettings.from(ConfigLoader.load(null, List.of("mix.mos.reward=heldout-nll"))).mix();
    assertInstanceOf(HeldOutNllReward.class, mix.plan().evaluator().reward());
    assertEquals(8, mix.plan().evaluator().batchSize(), "its own default batch size");
    MixSettings arm = RunSettings.from(ConfigLoader.load(null, Arm.parse("mos-heldout-nll-ema", null).overrides())).mix();
    assertEquals("mos", arm.method());
    assertInstanceOf(HeldOutNllReward.class, arm.plan().evaluator().reward());
    assertTrue(arm.plan().describe().contains("EMA"), arm.plan().describe());
  }

  @Test
  void aRunTrainsOnARegisteredReward() throws Exception {
    RunFixtures.write(dir);
    TrainingRun.Outcome run = TrainingRun.run(RunFixtures.config(dir, "nll", "mix.mos.reward=heldout-nll"));
    List<String> rewards = Files.readAllLines(run.runDir().resolve("metrics.jsonl")).stream()
        .filter(l -> l.contains("\"event\":\"rewards\"")).toList();
    assertEquals(2, rewards.size(), rewards.toString());
    JsonObject first = JsonParser.parseString(rewards.get(0)).getAsJsonObject().getAsJsonObject("rewards");
    for (String name : List.of("add", "echo", "talk")) {
      double nll = first.get(name).getAsDouble();
      assertTrue(nll > 0 && Double.isFinite(nll), name + ": " + nll);
    }
  }
}
