package io.skillmix.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class WeightUpdateTest {

  @Test
  void aWeightUpdateIsAValueWithItsStaleness() {
    double[] p = {0.25, 0.75};
    WeightUpdate update = new WeightUpdate(100, 150, p);
    p[0] = 9;
    assertArrayEquals(new double[] {0.25, 0.75}, update.probabilities(), 0, "copied in");
    update.probabilities()[0] = 9;
    assertArrayEquals(new double[] {0.25, 0.75}, update.probabilities(), 0, "copied out");
    assertEquals(50, update.staleness());
    assertEquals(new WeightUpdate(100, 150, new double[] {0.25, 0.75}), update);
    assertEquals(new WeightUpdate(100, 150, new double[] {0.25, 0.75}).hashCode(), update.hashCode());
    assertNotEquals(new WeightUpdate(100, 151, new double[] {0.25, 0.75}), update);
    assertThrows(IllegalArgumentException.class, () -> new WeightUpdate(100, 99, p));
  }
}
