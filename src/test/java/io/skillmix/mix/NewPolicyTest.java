package io.skillmix.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.UserError;
import io.skillmix.compare.Arm;
import io.skillmix.config.ConfigLoader;
import io.skillmix.run.RunSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Adding a mixing policy is one class and one registry line: {@link LossChasingPolicy}, registered
 * only in the test resources, is a value of mix.method and a compare arm (PolicyResumeTest trains
 * and resumes a run with it).
 */
class NewPolicyTest {

  @Test
  void theRegistryHoldsEveryPolicyAndNamesThemInItsError() {
    assertTrue(MixturePolicies.names().containsAll(List.of("prop", "temp", "uni", "fixed", "mos", "multidds",
        "multiuat", "loss-chasing")), MixturePolicies.names().toString());
    UserError e = org.junit.jupiter.api.Assertions.assertThrows(UserError.class,
        () -> RunSettings.from(ConfigLoader.load(null, List.of("mix.method=zipf"))));
    assertTrue(e.getMessage().startsWith("mix.method = 'zipf' is not one of ") && e.getMessage().contains("loss-chasing"),
        e.getMessage());
  }

  @Test
  void aRegisteredPolicyIsASettingAndAnArm() {
    MixSettings mix = RunSettings.from(ConfigLoader.load(null, List.of("mix.method=loss-chasing"))).mix();
    assertEquals("loss-chasing", mix.method());
    assertTrue(mix.learned());
    assertEquals(4, mix.updateEvery(), "its own S for auto");
    assertEquals(2, mix.lagSteps(), "half of it");
    assertTrue(mix.plan().readsTrainingLosses() && !mix.plan().usesEvaluator());
    assertEquals(List.of("mix.method=loss-chasing"), Arm.parse("loss-chasing", null).overrides());
    assertEquals(6, RunSettings.from(ConfigLoader.load(null, List.of("mix.method=loss-chasing",
        "mix.update-every=6"))).mix().updateEvery());
  }
}
