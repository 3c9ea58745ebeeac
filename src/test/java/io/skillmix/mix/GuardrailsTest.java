package io.skillmix.mix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.UserError;
import io.skillmix.config.ConfigSection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Floors and caps: the projection onto the capped simplex, worked out by hand; bounds refused before a run. */
class GuardrailsTest {

  private static final List<String> ABC = List.of("a", "b", "c");

  private static Guardrails read(String min, String max) {
    com.typesafe.config.Config c = com.typesafe.config.ConfigFactory.parseString("mix.min-probability = " + min
        + "\nmix.max-probability = " + max).withFallback(com.typesafe.config.ConfigFactory.defaultReference()).resolve();
    return Guardrails.read(new ConfigSection(c, "mix"), ABC);
  }

  @Test
  void aFloorLiftsTheSmallestAndTakesFromTheOthersAlike() {
    // clip(q − τ, 0.15, 1): c sits at its floor, a and b give up τ each: (0.7 − τ) + (0.2 − τ) + 0.15 = 1, τ = 0.025.
    assertArrayEquals(new double[] {0.675, 0.175, 0.15}, read("0.15", "1").apply(new double[] {0.7, 0.2, 0.1}), 1e-15);
  }

  @Test
  void aCapGivesTheExcessToTheOthersAlike() {
    // a at its cap 0.5; (0.1 − τ) × 2 = 0.5, τ = −0.15.
    assertArrayEquals(new double[] {0.5, 0.25, 0.25}, read("0", "0.5").apply(new double[] {0.8, 0.1, 0.1}), 1e-15);
  }

  @Test
  void perDatasetBoundsAndADefault() {
    Guardrails g = read("{ default = 0.05, b = 0.3 }", "{ a = 0.6 }");
    assertArrayEquals(new double[] {0.05, 0.3, 0.05}, g.min(), 0);
    assertArrayEquals(new double[] {0.6, 1, 1}, g.max(), 0);
    // a capped at 0.6, b lifted to 0.3, c keeps the rest: 0.1 = 1 − 0.6 − 0.3 (c − τ with τ = −0.07).
    assertArrayEquals(new double[] {0.6, 0.3, 0.1}, g.apply(new double[] {0.9, 0.07, 0.03}), 1e-15);
    String note = g.describeBinding(new double[] {0.9, 0.07, 0.03}, new double[] {0.6, 0.3, 0.1});
    assertTrue(note.contains("a 0.9 -> 0.6 (cap)") && note.contains("b 0.07 -> 0.3 (floor)")
        && note.contains("c 0.03 -> 0.1 (floor)"), note);
  }

  @Test
  void aMixtureWithinTheBoundsIsLeftExactlyAsItIs() {
    double[] p = {0.5, 0.3, 0.2};
    assertSame(p, read("0.1", "0.6").apply(p));
    assertSame(p, Guardrails.none(ABC).apply(p));
  }

  @Test
  void boundsNoMixtureCanMeetAreRefusedInOneLine() {
    UserError floors = assertThrows(UserError.class, () -> read("0.4", "1"));
    assertTrue(floors.getMessage().startsWith("mix.min-probability adds up to 1.2 over the 3 datasets"),
        floors.getMessage());
    UserError caps = assertThrows(UserError.class, () -> read("0", "0.3"));
    assertTrue(caps.getMessage().startsWith("mix.max-probability adds up to 0.9"), caps.getMessage());
    UserError crossed = assertThrows(UserError.class, () -> read("{ a = 0.5 }", "{ a = 0.4 }"));
    assertTrue(crossed.getMessage().startsWith("mix.min-probability of a (0.5) is above its mix.max-probability"),
        crossed.getMessage());
    UserError unknown = assertThrows(UserError.class, () -> read("{ z = 0.1 }", "1"));
    assertTrue(unknown.getMessage().startsWith("mix.min-probability.z: the mix has no dataset 'z'"),
        unknown.getMessage());
    assertThrows(UserError.class, () -> read("1.5", "1"));
    assertThrows(UserError.class, () -> read("{ a = -0.1 }", "1"));
  }

  @Test
  void theProjectionSumsToOneAndKeepsEveryBound() {
    Rng rng = new Rng(3);
    Guardrails g = read("{ default = 0.02, c = 0.1 }", "{ default = 0.9, a = 0.5 }");
    for (int trial = 0; trial < 1000; trial++) {
      double[] q = new double[3];
      double sum = 0;
      for (int i = 0; i < 3; i++) {
        q[i] = Math.pow(rng.nextDouble(), 4);
        sum += q[i];
      }
      for (int i = 0; i < 3; i++) {
        q[i] /= sum;
      }
      double[] p = g.apply(q);
      assertEquals(1, p[0] + p[1] + p[2], 1e-12);
      for (int i = 0; i < 3; i++) {
        assertTrue(p[i] >= g.min()[i] - 1e-15 && p[i] <= g.max()[i] + 1e-15, java.util.Arrays.toString(p));
      }
    }
  }
}
