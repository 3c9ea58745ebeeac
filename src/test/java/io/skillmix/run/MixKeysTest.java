package io.skillmix.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.skillmix.UserError;
import io.skillmix.config.ConfigLoader;
import io.skillmix.mix.DiffTokens;
import io.skillmix.mix.MixSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The mix keys of issue 18: the scorer's own prior, EMA per method, Diff's tokens, S per kind of run. */
class MixKeysTest {

  private static final String OWN_DATA = "data.datasets=[{name=a, path=\"a.jsonl\"}, {name=b, path=\"b.jsonl\"}]";

  private static MixSettings mix(String... overrides) {
    return RunSettings.from(ConfigLoader.load(null, List.of(overrides))).mix();
  }

  private static String refusal(String... overrides) {
    return assertThrows(UserError.class, () -> mix(overrides)).getMessage();
  }

  @Test
  void theScorerStartsUniformAndTheTempBaselineKeepsItsOwnTemperature() {
    MixSettings mos = mix();
    assertEquals(Double.POSITIVE_INFINITY, mos.scorerPriorTemperature());
    assertEquals(10, mos.priorTemperature());
    assertEquals(Double.POSITIVE_INFINITY, mos.startTemperature(), "mos starts from the scorer's prior");
    assertEquals(10, mix("mix.method=temp").startTemperature(), "temp keeps τ = 10");
    assertEquals(1, mix("mix.method=multiuat", "mix.scorer-prior-temperature=1").startTemperature());
    assertEquals(10, mix("mix.method=temp", "mix.scorer-prior-temperature=1").startTemperature(),
        "the scorer's key does not move the temp baseline");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {"inf", "Infinity", "INF", "\"+inf\"", "\" infinity \""})
  void infinityIsSpelledInfOrInfinity(String value) {
    assertEquals(Double.POSITIVE_INFINITY, mix("mix.scorer-prior-temperature=" + value).scorerPriorTemperature());
    assertEquals(Double.POSITIVE_INFINITY, mix("mix.prior-temperature=" + value).priorTemperature());
  }

  @Test
  void aTemperatureIsAnyPositiveNumber() {
    assertEquals(2.5, mix("mix.scorer-prior-temperature=2.5").scorerPriorTemperature());
    assertEquals(3, mix("mix.scorer-prior-temperature=\"3\"").scorerPriorTemperature());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {"0", "-1", "hot", "nan", "\"\"", "[1]"})
  void aBadTemperatureIsOneLineNamingTheKey(String value) {
    for (String key : List.of("mix.scorer-prior-temperature", "mix.prior-temperature")) {
      String message = refusal(key + "=" + value);
      assertTrue(message.startsWith(key + " = "), message);
      assertTrue(message.contains("inf"), "says how to write ∞: " + message);
      assertFalse(message.contains("\n"), message);
    }
  }

  @Test
  void theEmaIsMossUnlessAsked() {
    assertTrue(mix().ema(), "mos smooths by default");
    assertFalse(mix("mix.method=multidds").ema(), "multidds does not");
    assertFalse(mix("mix.method=multiuat").ema(), "multiuat does not");
    assertTrue(mix("mix.method=multidds", "mix.ema=true").ema(), "unless asked");
    assertTrue(mix("mix.method=multiuat", "mix.ema=on").ema());
    assertFalse(mix("mix.ema=false").ema());
    assertTrue(mix("mix.method=mos", "mix.ema=AUTO").ema());
    String message = refusal("mix.ema=maybe");
    assertTrue(message.startsWith("mix.ema = ") && message.contains("auto"), message);
  }

  @Test
  void diffCountsResponseTokensUnlessToldSequence() {
    assertEquals(DiffTokens.RESPONSE, mix().diffTokens());
    assertEquals(DiffTokens.SEQUENCE, mix("mix.diff-tokens=sequence").diffTokens());
    assertEquals("mix.diff-tokens = 'all' is not one of response, sequence", refusal("mix.diff-tokens=all"));
  }

  @Test
  void theBuiltInMixUpdatesAboutAsOftenAsThePaperAndOwnDataKeepsS100() {
    MixSettings builtin = mix();
    assertEquals(10, builtin.updateEvery());
    assertEquals(5, builtin.lagSteps(), "half of S");
    long steps = RunSettings.from(ConfigLoader.load(null, List.of())).train().steps();
    long updates = (steps - 1) / builtin.updateEvery(); // after steps S, 2S, ... below train.steps
    assertTrue(updates >= 45 && updates <= 51, "the paper's ~48 updates, not " + updates);
    MixSettings own = mix(OWN_DATA);
    assertEquals(100, own.updateEvery());
    assertEquals(50, own.lagSteps());
    assertEquals(40, mix("mix.update-every=40").updateEvery(), "an explicit S wins on the built-in mix");
    assertEquals(40, mix(OWN_DATA, "mix.update-every=40").updateEvery());
    assertEquals(20, mix("mix.builtin-update-every=20").updateEvery());
    assertEquals(100, mix(OWN_DATA, "mix.builtin-update-every=20").updateEvery());
    String message = refusal("mix.update-every=often");
    assertTrue(message.startsWith("mix.update-every = ") && message.endsWith("or auto"), message);
    assertTrue(refusal("mix.update-every=0").startsWith("mix.update-every = "));
    assertTrue(refusal("mix.builtin-update-every=0").startsWith("mix.builtin-update-every = "));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "mix.scorer-prior-temperature=1",
      "mix.prior-temperature=inf",
      "mix.diff-tokens=sequence",
      "mix.ema=true",
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
