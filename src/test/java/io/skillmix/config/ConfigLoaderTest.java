package io.skillmix.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.skillmix.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @Test
  void overridesBeatTheFileWhichBeatsTheDefaults(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("run.conf");
    Files.writeString(file, "train { steps = 50, lr = 1e-3 }\nmodel.preset = small\n");
    Config config = ConfigLoader.load(file, List.of("train.steps=7"));
    assertEquals(7, config.getInt("train.steps"));
    assertEquals(1e-3, config.getDouble("train.lr"));
    assertEquals("small", config.getString("model.preset"));
    assertEquals(16, config.getInt("train.batch-size"));
  }

  @Test
  void aMisspeltKeyIsRefusedWithTheClosestKnownKey() {
    UserError e = assertThrows(UserError.class,
        () -> ConfigLoader.load(null, List.of("train.step=5")));
    assertTrue(e.getMessage().contains("unknown key 'train.step'"), e.getMessage());
    assertTrue(e.getMessage().contains("did you mean 'train.steps'"), e.getMessage());
  }

  @Test
  void aMissingFileOrBrokenOverrideIsOneClearLine(@TempDir Path dir) throws Exception {
    UserError missing = assertThrows(UserError.class,
        () -> ConfigLoader.load(dir.resolve("nope.conf"), List.of()));
    assertTrue(missing.getMessage().contains("nope.conf"));
    UserError noEquals = assertThrows(UserError.class,
        () -> ConfigLoader.load(null, List.of("train.steps")));
    assertTrue(noEquals.getMessage().contains("key=value"));
    Path broken = dir.resolve("broken.conf");
    Files.writeString(broken, "train {\n steps = \n");
    UserError syntax = assertThrows(UserError.class, () -> ConfigLoader.load(broken, List.of()));
    assertTrue(syntax.getMessage().contains("broken.conf"), syntax.getMessage());
    assertTrue(!syntax.getMessage().contains("\n"));
  }

  @Test
  void renderShowsOnlySkillmixKeys() {
    String text = ConfigLoader.render(ConfigLoader.load(null, List.of()));
    assertTrue(text.contains("steps"));
    assertTrue(!text.contains("pekko"));
  }
}
