package io.skillmix.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.UserError;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDataOnlyTest {

  @TempDir
  Path dir;

  @Test
  void onlyKeepsTheNamedSetsInTheMixOrder() {
    RunFixtures.write(dir);
    RunData data = RunData.load(RunSettings.from(RunFixtures.config(dir, "r", "data.only=[talk, add]")));
    assertEquals(List.of("add", "talk"), data.names());
  }

  @Test
  void anUnknownNameIsRefusedWithTheChoices() {
    RunFixtures.write(dir);
    UserError e = assertThrows(UserError.class,
        () -> RunData.load(RunSettings.from(RunFixtures.config(dir, "r", "data.only=[poetry]"))));
    assertTrue(e.getMessage().contains("data.only: 'poetry'") && e.getMessage().contains("add, echo, talk"),
        e.getMessage());
  }
}
