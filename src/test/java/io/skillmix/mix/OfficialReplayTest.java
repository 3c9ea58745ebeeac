package io.skillmix.mix;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.skillmix.config.ConfigLoader;
import io.skillmix.run.RunSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MoS is the official code's, update for update: the rewards of a skillmix run (the built-in mix at
 * 4,000 examples, Diff + EMA α = 0.7, an update every 5 steps) replayed through the official scorer
 * class and update loop by {@code bench/mos_official_replay.py} (its warm start with the same Adam
 * carried into the updates; in float64), and through the mos policy here, give the same
 * probabilities to rounding. The exact warm start, which fits the prior and starts a fresh Adam,
 * moves further in its first updates: the replay tells them apart.
 */
class OfficialReplayTest {

  @ParameterizedTest(name = "from the prior at τ = {0}")
  @ValueSource(strings = {"1", "10"})
  void theMosPolicyMatchesTheOfficialUpdateReplayedOnLoggedRewards(String tau) throws IOException {
    JsonObject replay = read("/mix/mos-official-replay-tau" + tau + ".json");
    double official = largestDifference(replay, "official");
    assertTrue(official < 1e-12, "the official warm start and Adam: " + official);
    double exact = largestDifference(replay, "exact");
    assertTrue(exact > 1e-3, "the exact warm start is another method: " + exact);
  }

  /** The largest difference between the replay's probabilities and the mos policy's on its rewards. */
  private static double largestDifference(JsonObject replay, String warmStart) {
    long[] sizes = toLongs(replay.getAsJsonArray("sizes"));
    MixturePolicy.Agent agent = RunSettings.from(ConfigLoader.load(null, List.of("mix.method=mos",
        "mix.mos.reward=diff", "mix.mos.ema-alpha=" + replay.get("alpha").getAsDouble(),
        "mix.scorer.prior-temperature=" + replay.get("tau").getAsDouble(), "mix.scorer.warm-start=" + warmStart,
        "mix.scorer.lr=" + replay.get("lr").getAsDouble()))).mix().plan().start(sizes);
    double worst = 0;
    for (JsonElement e : replay.getAsJsonArray("updates")) {
      JsonObject update = e.getAsJsonObject();
      double[] p = agent.observe(new MixturePolicy.Observation(update.get("version").getAsLong(), true, List.of(),
          toDoubles(update.getAsJsonArray("rewards")))).probabilities();
      double[] expected = toDoubles(update.getAsJsonArray("probabilities"));
      for (int i = 0; i < p.length; i++) {
        worst = Math.max(worst, Math.abs(p[i] - expected[i]));
      }
    }
    return worst;
  }

  private static JsonObject read(String resource) throws IOException {
    try (InputStream in = OfficialReplayTest.class.getResourceAsStream(resource)) {
      return JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
    }
  }

  private static double[] toDoubles(JsonArray a) {
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsDouble();
    }
    return out;
  }

  private static long[] toLongs(JsonArray a) {
    long[] out = new long[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsLong();
    }
    return out;
  }
}
