package io.skillmix.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.skillmix.UserError;
import io.skillmix.config.ConfigLoader;
import io.skillmix.mix.Prior;
import io.skillmix.mix.MixSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The mix keys: the scorer's own prior, EMA per method, Diff's tokens, S per kind of run (issues 18, 29). */
class MixKeysTest {

  private static final String OWN_DATA = "data.datasets=[{name=a, path=\"a.jsonl\"}, {name=b, path=\"b.jsonl\"}]";
  private static final String OWN4 = "data.datasets=[{name=a, path=\"a.jsonl\"}, {name=b, path=\"b.jsonl\"},"
      + " {name=c, path=\"c.jsonl\"}, {name=d, path=\"d.jsonl\"}]";

  private static MixSettings mix(String... overrides) {
    return RunSettings.from(ConfigLoader.load(null, List.of(overrides))).mix();
  }

  private static String refusal(String... overrides) {
    return assertThrows(UserError.class, () -> mix(overrides)).getMessage();
  }

  private static final long[] SIZES = {10, 30, 60, 100};

  private static double[] start(String... overrides) {
    return mix(overrides).plan().start(SIZES).probabilities();
  }

  @Test
  void theScorerStartsUniformAndTheTempBaselineKeepsItsOwnTemperature() {
    assertArrayEquals(Prior.uniform(4), start(OWN4), 1e-9, "mos starts from the scorer's prior, τ = ∞");
    assertArrayEquals(Prior.temperature(SIZES, 10), start(OWN4, "mix.method=temp"), 0, "temp keeps τ = 10");
    assertArrayEquals(Prior.temperature(SIZES, 1), start(OWN4, "mix.method=multiuat",
        "mix.scorer.prior-temperature=1", "mix.scorer.warm-start=exact"), 1e-12);
    assertArrayEquals(Prior.temperature(SIZES, 10), start(OWN4, "mix.method=temp", "mix.scorer.prior-temperature=1"),
        0, "the scorer's key does not move the temp baseline");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {"inf", "Infinity", "INF", "\"+inf\"", "\" infinity \""})
  void infinityIsSpelledInfOrInfinity(String value) {
    assertArrayEquals(Prior.uniform(4), start(OWN4, "mix.scorer.prior-temperature=" + value), 1e-9);
    assertArrayEquals(Prior.uniform(4), start(OWN4, "mix.method=temp", "mix.temp.temperature=" + value), 0);
  }

  @Test
  void aTemperatureIsAnyPositiveNumber() {
    assertArrayEquals(Prior.temperature(SIZES, 2.5), start(OWN4, "mix.method=temp", "mix.temp.temperature=2.5"), 0);
    assertArrayEquals(Prior.temperature(SIZES, 3), start(OWN4, "mix.method=temp", "mix.temp.temperature=\"3\""), 0);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {"0", "-1", "hot", "nan", "\"\"", "[1]"})
  void aBadTemperatureIsOneLineNamingTheKey(String value) {
    for (String key : List.of("mix.scorer.prior-temperature", "mix.temp.temperature")) {
      String message = refusal(key.startsWith("mix.temp") ? "mix.method=temp" : "mix.method=mos", key + "=" + value);
      assertTrue(message.startsWith(key + " = "), message);
      assertTrue(message.contains("inf"), "says how to write ∞: " + message);
      assertFalse(message.contains("\n"), message);
    }
  }

  @Test
  void theEmaIsMossUnlessAsked() {
    assertTrue(mix().plan().describe().contains("EMA"), "mos smooths by default");
    assertFalse(mix("mix.method=multidds").plan().describe().contains("EMA"), "multidds does not");
    assertFalse(mix("mix.method=multiuat").plan().describe().contains("EMA"), "multiuat does not");
    assertTrue(mix("mix.method=multidds", "mix.multidds.ema=true").plan().describe().contains("EMA"), "unless asked");
    assertTrue(mix("mix.method=multiuat", "mix.multiuat.ema=on").plan().describe().contains("EMA"));
    assertFalse(mix("mix.mos.ema=false").plan().describe().contains("EMA"));
    String message = refusal("mix.mos.ema=maybe");
    assertTrue(message.startsWith("mix.mos.ema = ") && message.contains("true or false"), message);
  }

  @Test
  void mosRewardAutoIsDiffOnTheBuiltInMixAndCosSimOnYourOwnData() {
    assertTrue(mix().plan().describe().startsWith("mos (reward diff + EMA"), mix().plan().describe());
    assertTrue(mix(OWN_DATA).plan().describe().startsWith("mos (reward cossim + EMA"), mix(OWN_DATA).plan().describe());
    assertTrue(mix("mix.mos.reward=cossim").plan().describe().startsWith("mos (reward cossim"), "an explicit reward wins");
    assertTrue(mix("mix.mos.builtin-reward=multiuat").plan().describe().startsWith("mos (reward multiuat"));
    assertTrue(refusal("mix.mos.builtin-reward=often").startsWith("mix.mos.builtin-reward"),
        refusal("mix.mos.builtin-reward=often"));
  }

  @Test
  void diffCountsResponseTokensUnlessToldSequence() {
    assertEquals("mix.diff.tokens = 'all' is not one of response, sequence",
        refusal("mix.mos.reward=diff", "mix.diff.tokens=all"));
    mix("mix.mos.reward=diff", "mix.diff.tokens=sequence");
  }

  @Test
  void theBuiltInMixUpdatesOftenAndOwnDataKeepsS100() {
    MixSettings builtin = mix();
    assertEquals(10, builtin.updateEvery());
    assertEquals(5, builtin.lagSteps(), "half of S");
    long steps = RunSettings.from(ConfigLoader.load(null, List.of())).train().steps();
    long updates = (steps - 1) / builtin.updateEvery(); // after steps S, 2S, ... below train.steps
    assertEquals(29, updates, "the default run: enough updates for the mixture to move visibly");
    // conf/paper.conf keeps the paper's schedule: about 48 updates, CosSim, the tiny preset from scratch.
    Config paper = ConfigLoader.load(Path.of("conf/paper.conf"), List.of());
    RunSettings paperRun = RunSettings.from(paper);
    long paperUpdates = (paperRun.train().steps() - 1) / paperRun.mix().updateEvery();
    assertEquals(47, paperUpdates);
    assertTrue(paperRun.mix().plan().describe().contains("reward cossim"), paperRun.mix().plan().describe());
    assertEquals(null, paperRun.modelPath());
    assertEquals(0.0, paperRun.data().builtinNoise());
    MixSettings own = mix(OWN_DATA);
    assertEquals(100, own.updateEvery());
    assertEquals(50, own.lagSteps());
    assertEquals(40, mix("mix.update-every=40").updateEvery(), "an explicit S wins on the built-in mix");
    assertEquals(40, mix(OWN_DATA, "mix.update-every=40").updateEvery());
    assertEquals(20, mix("mix.builtin-update-every=20").updateEvery());
    assertEquals(100, mix(OWN_DATA, "mix.builtin-update-every=20").updateEvery());
    String message = refusal("mix.update-every=often");
    assertTrue(message.startsWith("mix.update-every = ") && message.endsWith("or auto"), message);
    assertTrue(refusal("mix.method=prop", "mix.update-every=often").startsWith("mix.update-every = "),
        "refused for a static mixture too");
    assertTrue(refusal("mix.update-every=0").startsWith("mix.update-every = "));
    assertTrue(refusal("mix.builtin-update-every=0").startsWith("mix.builtin-update-every = "));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "mix.scorer.prior-temperature=1",
      "mix.temp.temperature=inf",
      "mix.diff.tokens=sequence",
      "mix.mos.ema=false",
      "mix.update-every=50",
      "mix.builtin-update-every=24",
  })
  void aResumeRefusesChangingThem(String override) {
    Config recorded = ConfigLoader.load(null, List.of());
    Config resumed = ConfigLoader.load(null, new ArrayList<>(Arrays.asList(override)));
    String key = override.substring(0, override.indexOf('='));
    UserError e = assertThrows(UserError.class, () -> ResumeChecks.changedKeys(recorded, resumed));
    assertTrue(e.getMessage().startsWith("resume cannot change " + key + " "), e.getMessage());
  }
}
