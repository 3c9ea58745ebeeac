package io.skillmix.run;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every mixing policy that learns resumes exactly, lagged and sync: 12 steps, a resume from the
 * checkpoint, 12 more steps give the losses, draws and probabilities of 24 steps straight, and its
 * updates are logged with the step they took effect at (their staleness).
 */
class PolicyResumeTest {

  @TempDir static Path dir;

  @BeforeAll
  static void fixtures() {
    RunFixtures.write(dir);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', value = {
      "loss-chasing | lagged | 2 | mix.method=loss-chasing;mix.update-every=4",
      "loss-chasing | sync   | 0 | mix.method=loss-chasing;mix.update-every=4",
      "odm          | lagged | 1 | mix.method=odm;mix.update-every=1",
      "odm          | sync   | 0 | mix.method=odm;mix.update-every=1;mix.odm.rule=exp3",
      "fms-odm      | lagged | 2 | mix.method=fms-odm;mix.update-every=4",
      "fms-odm      | sync   | 0 | mix.method=fms-odm;mix.update-every=2;mix.fms-odm.reward=train_loss",
      "aioli        | lagged | 2 | mix.method=aioli;mix.update-every=6;mix.aioli.lp-rounds=1;mix.aioli.lp-steps=1",
      "aioli        | sync   | 0 | mix.method=aioli;mix.update-every=6;mix.aioli.lp-rounds=1;mix.aioli.lp-steps=1",
      "dynamixsft   | lagged | 2 | mix.method=dynamixsft;mix.update-every=4",
      "dynamixsft   | sync   | 0 | mix.method=dynamixsft;mix.update-every=4",
  })
  void aPolicyRunResumedFromItsCheckpointEqualsTheStraightRun(String name, String apply, int lag, String settings)
      throws IOException {
    String mode = name + "-" + apply + "-" + Math.abs(settings.hashCode());
    List<String> overrides = new java.util.ArrayList<>(List.of(settings.split(";")));
    overrides.add("mix.apply=" + apply);
    overrides.add("mix.lag-steps=" + lag);
    ResumeTest.assertResumeIsExact(dir, mode, overrides.toArray(String[]::new));
    List<String> weights = Files.readAllLines(dir.resolve("straight-" + mode).resolve("weights.jsonl"));
    assertTrue(weights.size() > 3, "the policy updated the mixture: " + weights);
    for (String line : weights.subList(1, weights.size())) {
      com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString(line).getAsJsonObject();
      assertTrue(o.get("step").getAsLong() - o.get("version").getAsLong() == lag, "staleness " + lag + ": " + line);
    }
  }
}
