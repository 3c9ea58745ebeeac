package io.skillmix.compare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CurvesTest {

  @Test
  void macroLossWeighsDatasetsEquallyWhateverTheirSampling() {
    List<RunFiles.Loss> losses = new ArrayList<>();
    // Nine steps of an easy dataset and one of a hard one: the mean over steps would be 1.3,
    // the mean over datasets is 2.
    for (int s = 0; s < 9; s++) {
      losses.add(new RunFiles.Loss(s, "easy", 1.0));
    }
    losses.add(new RunFiles.Loss(9, "hard", 3.0));
    assertArrayEquals(new double[] {2.0}, Curves.macroLoss(losses), 1e-12);
  }

  @Test
  void eachDatasetIsSmoothedAndOnePointComesEveryTenSteps() {
    List<RunFiles.Loss> losses = new ArrayList<>();
    for (int s = 0; s < 25; s++) {
      losses.add(new RunFiles.Loss(s, "a", s < 10 ? 2.0 : 1.0));
    }
    double[] points = Curves.macroLoss(losses);
    assertEquals(2, points.length);
    assertEquals(2.0, points[0], 1e-12);
    assertEquals(1.0 + Math.pow(0.9, 10), points[1], 1e-12); // ten steps of 0.9 decay toward 1
  }
}
