package io.skillmix.run;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.UserError;
import io.skillmix.config.ConfigLoader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The built-in mix's size is refused when the settings are read, before a run or a comparison starts. */
class BuiltinSizeCheckTest {

  @Test
  void aBuiltinMixTooSmallIsRefusedWithItsKeyWhenTheSettingsAreRead() {
    UserError e = assertThrows(UserError.class,
        () -> RunSettings.from(ConfigLoader.load(null, List.of("data.builtin.total=800"))));
    assertTrue(e.getMessage().startsWith("data.builtin.total = 800 is too small; use at least"), e.getMessage());
    UserError share = assertThrows(UserError.class,
        () -> RunSettings.from(ConfigLoader.load(null, List.of("data.builtin.held-out=0.7"))));
    assertTrue(share.getMessage().startsWith("data.builtin.held-out = 0.7"), share.getMessage());
    assertDoesNotThrow(() -> RunSettings.from(ConfigLoader.load(null, List.of("data.builtin.total=2000"))));
  }

  @Test
  void yourOwnDatasetsAreNotHeldToTheBuiltinMixsSize() {
    assertDoesNotThrow(() -> RunSettings.from(ConfigLoader.load(null, List.of("data.builtin.total=10",
        "data.datasets=[{name=a, path=\"a.jsonl\"}]"))));
  }
}
