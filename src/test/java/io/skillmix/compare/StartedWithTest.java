package io.skillmix.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.skillmix.UserError;
import io.skillmix.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * compare.conf records what a comparison's settings come from, included files too: continuing it
 * after an included file changed is refused, and {@code results tables} rebuilds the same config.
 */
class StartedWithTest {

  @TempDir
  Path dir;

  @Test
  void anIncludedFileIsRecordedAndWrittenBackSoTheConfigLoadsTheSame() throws Exception {
    Path main = config();
    String recorded = Comparison.startedWith(main, List.of("seed=3"));
    assertTrue(recorded.contains(Comparison.INCLUDED + "../base.conf\ntrain.steps = 7\n"), recorded);

    Path compareConf = Files.writeString(dir.resolve("compare.conf"), recorded);
    RecomputedTables.StartedWith started = RecomputedTables.StartedWith.read(compareConf, dir.resolve("scratch/config"));
    Config again = ConfigLoader.load(started.configFile(), started.overrides());
    assertEquals(7, again.getInt("train.steps"));
    assertEquals("uni", again.getString("mix.method"));
    assertEquals(3, again.getInt("seed"));
    assertTrue(started.configFile().startsWith(dir.resolve("scratch/config")));
  }

  @Test
  void aChangedIncludedFileIsAChangedSetting() throws Exception {
    Path main = config();
    String before = Comparison.startedWith(main, List.of());
    Files.writeString(dir.resolve("conf/base.conf"), "train.steps = 8\n");
    assertNotEquals(before, Comparison.startedWith(main, List.of()));
  }

  @Test
  void anIncludedFileNamedOutsideTheConfigFolderIsRefused() throws Exception {
    Path compareConf = Files.writeString(dir.resolve("compare.conf"), "# what this comparison was started with\n"
        + "# config file: conf/main.conf\ninclude \"base.conf\"\n\n" + Comparison.INCLUDED
        + dir.resolve("elsewhere.conf").toAbsolutePath() + "\ntrain.steps = 7\n\n# overrides\n");
    UserError e = assertThrows(UserError.class,
        () -> RecomputedTables.StartedWith.read(compareConf, dir.resolve("scratch/config")));
    assertTrue(e.getMessage().contains("outside the comparison's config folder"), e.getMessage());
    assertTrue(Files.notExists(dir.resolve("elsewhere.conf")));
  }

  /** conf/exp/main.conf including ../base.conf (an include that climbs out of its folder). */
  private Path config() throws Exception {
    Files.createDirectories(dir.resolve("conf/exp"));
    Files.writeString(dir.resolve("conf/base.conf"), "train.steps = 7\n");
    return Files.writeString(dir.resolve("conf/exp/main.conf"), "include \"../base.conf\"\nmix.method = uni\n");
  }
}
