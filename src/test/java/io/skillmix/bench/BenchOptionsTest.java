package io.skillmix.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.UserError;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

  @Test
  void noArgumentsMeansTheModelBenchmarkWithEveryDefault() {
    BenchOptions o = BenchOptions.parse(List.of());
    assertEquals("model", o.what());
    assertEquals(10, o.steps(10));
    assertEquals(5, o.rounds(5));
    assertEquals(250, o.every(250));
    assertEquals(3, o.warmup(3));
    assertEquals(List.of("tiny", "small"), o.presets(List.of("tiny", "small")));
    assertTrue(o.peer());
    assertEquals(Path.of("docs", "BENCHMARKS.md"), o.doc());
    assertEquals("", o.describe());
  }

  @Test
  void settingsOverrideTheBenchmarksDefaults() {
    BenchOptions o = BenchOptions.parse(List.of("memory", "steps=200", "rounds=3", "every=20", "warmup=0",
        "presets=small", "peer=off", "doc=none"));
    assertEquals("memory", o.what());
    assertEquals(200, o.steps(5000));
    assertEquals(3, o.rounds(5));
    assertEquals(20, o.every(250));
    assertEquals(0, o.warmup(100), "warmup=0 is a setting, not a fallback");
    assertEquals(List.of("small"), o.presets(List.of("tiny", "small")));
    assertFalse(o.peer());
    assertNull(o.doc());
    assertEquals("steps=200 rounds=3 every=20 warmup=0 presets=small peer=off", o.describe());
  }

  @Test
  void settingsMayComeWithoutABenchmarkName() {
    BenchOptions o = BenchOptions.parse(List.of("rounds=3", "doc=/tmp/out.md", "presets=tiny, small"));
    assertEquals("model", o.what());
    assertEquals(3, o.rounds(5));
    assertEquals(Path.of("/tmp/out.md"), o.doc());
    assertEquals(List.of("tiny", "small"), o.presets(List.of()));
  }

  @Test
  void allKeepsTheSettingsForEachBenchmark() {
    BenchOptions all = BenchOptions.parse(List.of("all", "rounds=2", "peer=off"));
    BenchOptions mix = all.forBenchmark("mix");
    assertEquals("mix", mix.what());
    assertEquals(2, mix.rounds(5));
    assertFalse(mix.peer());
  }

  @Test
  void mistakesAreOneLineNamingTheArgument() {
    assertMessage(List.of("speed"), "unknown benchmark 'speed'");
    assertMessage(List.of("model", "step=3"), "unknown setting 'step'");
    assertMessage(List.of("model", "steps"), "argument 'steps' is not key=value");
    assertMessage(List.of("model", "steps=ten"), "setting 'steps' must be a whole number");
    assertMessage(List.of("model", "rounds=-1"), "setting 'rounds' must be a whole number");
    assertMessage(List.of("model", "rounds=0"), "setting 'rounds' must be at least 1");
    assertMessage(List.of("model", "peer=maybe"), "setting 'peer' must be on or off");
    assertMessage(List.of("model", "presets=huge"), "preset 'huge' is unknown");
    assertMessage(List.of("model", "presets=,"), "setting 'presets' is empty");
    assertMessage(List.of("model", "doc="), "setting 'doc' is empty");
    assertMessage(List.of("model", "steps=2", "steps=3"), "setting 'steps' is given twice");
  }

  private static void assertMessage(List<String> args, String expected) {
    UserError e = assertThrows(UserError.class, () -> BenchOptions.parse(args));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
  }
}
