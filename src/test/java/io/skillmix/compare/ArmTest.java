package io.skillmix.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.UserError;
import io.skillmix.config.ConfigLoader;
import io.skillmix.run.RunSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArmTest {

  @Test
  void everyDefaultArmIsAValidConfig() {
    for (String name : Arm.GENERALIST) {
      RunSettings s = RunSettings.from(ConfigLoader.load(null, Arm.parse(name, null).overrides()));
      assertEquals(name.startsWith("mos") ? "mos" : name, s.mix().method().toString(), name);
    }
    for (String name : Arm.SPECIALIST) {
      RunSettings s = RunSettings.from(ConfigLoader.load(null, Arm.parse(name, "math").overrides()));
      assertEquals(name.startsWith("mospec") ? "math" : "", s.mix().specialist(), name);
    }
  }

  @Test
  void mosArmsSetRewardAndSmoothing() {
    RunSettings plain = RunSettings.from(ConfigLoader.load(null, Arm.parse("mos-diff", null).overrides()));
    assertEquals("diff", plain.mix().reward().name());
    assertEquals(false, plain.mix().ema());
    RunSettings ema = RunSettings.from(ConfigLoader.load(null, Arm.parse("mospec-cossim-ema", "nlp").overrides()));
    assertEquals("cossim", ema.mix().reward().name());
    assertTrue(ema.mix().ema());
    assertEquals("nlp", ema.mix().specialist());
  }

  @Test
  void onlyTrainsOnTheTarget() {
    RunSettings s = RunSettings.from(ConfigLoader.load(null, Arm.parse("only", "math").overrides()));
    assertEquals(List.of("math"), s.data().only());
  }

  @Test
  void unknownArmsAndMissingTargetsAreRefused() {
    UserError unknown = assertThrows(UserError.class, () -> Arm.parse("mos-kl", null));
    assertTrue(unknown.getMessage().contains("unknown arm 'mos-kl'"), unknown.getMessage());
    UserError target = assertThrows(UserError.class, () -> Arm.parse("mospec-diff", null));
    assertTrue(target.getMessage().contains("--specialist"), target.getMessage());
    assertThrows(UserError.class, () -> Arm.parse("only", ""));
  }
}
