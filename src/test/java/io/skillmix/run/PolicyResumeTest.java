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
  @CsvSource({
      "loss-chasing, lagged, mix.method=loss-chasing",
      "loss-chasing, sync, mix.method=loss-chasing",
  })
  void aPolicyRunResumedFromItsCheckpointEqualsTheStraightRun(String name, String apply, String settings)
      throws IOException {
    String mode = name + "-" + apply;
    String[] overrides = (settings + ",mix.apply=" + apply + (apply.equals("sync") ? ",mix.lag-steps=0" : "")
        + ",mix.update-every=4,mix.lag-steps=" + (apply.equals("sync") ? 0 : 2)).split(",");
    ResumeTest.assertResumeIsExact(dir, mode, overrides);
    List<String> weights = Files.readAllLines(dir.resolve("straight-" + mode).resolve("weights.jsonl"));
    assertTrue(weights.size() > 3, "the policy updated the mixture: " + weights);
    for (String line : weights.subList(1, weights.size())) {
      com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString(line).getAsJsonObject();
      long staleness = o.get("step").getAsLong() - o.get("version").getAsLong();
      assertTrue(staleness == (apply.equals("sync") ? 0 : 2), line);
    }
  }
}
