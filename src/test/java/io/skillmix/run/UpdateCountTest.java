package io.skillmix.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No silent non-runs: too few updates of a learned mixture is a warning naming the keys that fix it. */
class UpdateCountTest {

  @TempDir Path dir;

  private RunSettings settings(String... overrides) {
    return RunSettings.from(RunFixtures.config(dir, "r", overrides));
  }

  @Test
  void aLearnedMixtureWithTooFewUpdatesIsWarnedOfWithTheKeysThatFixIt() {
    // 24 steps at S = 8: updates after steps 8 and 16; S = 4 gives 4, 8, 12, 16, 20; 41 steps give 8, ..., 40.
    assertEquals("warning: mix.method = mos will make 2 updates of its mixture in 24 training steps"
        + " (mix.update-every = 8): too few to learn one; mix.update-every = 4 or less, or train.steps = 41 or more"
        + " gives it 5", UpdateCount.warning(settings()));
    assertEquals("warning: mix.method = loss-chasing will make 0 updates of its mixture in 3 training steps"
        + " (mix.update-every = 4): too few to learn one; train.steps = 21 or more gives it 5",
        UpdateCount.warning(settings("mix.method=loss-chasing", "mix.update-every=auto", "train.steps=3")),
        "with 3 steps no S gives 5 updates");
  }

  @Test
  void enoughUpdatesOrAStaticMixtureSayNothing() {
    assertNull(UpdateCount.warning(settings("mix.update-every=4", "mix.lag-steps=2")));
    assertNull(UpdateCount.warning(settings("mix.method=uni")));
  }
}
