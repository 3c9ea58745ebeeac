package io.skillmix.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.skillmix.UserError;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * MultiUAT's four measures against values worked out by hand on two passes over two examples
 * (issue 18 #5): the formulas of the official code's compute_{enttp,pretp,exptp,vartp}_monte_carlo.
 */
class UncertaintyMeasureTest {

  private static final double LN2 = Math.log(2);

  /**
   * Pass 1: example 0 has entropies 1.0, 0.5 and top probabilities 0.5, 0.25; example 1 has
   * entropy 2.0 and top probability 0.8. Pass 2: 0.8, 0.7 / 0.6, 0.5 and 1.0 / 0.4.
   */
  private static final List<UncertaintyMeasure.Pass> PASSES = List.of(
      new UncertaintyMeasure.Pass(List.of(new double[] {1.0, 0.5}, new double[] {2.0}),
          List.of(new double[] {Math.log(0.5), Math.log(0.25)}, new double[] {Math.log(0.8)})),
      new UncertaintyMeasure.Pass(List.of(new double[] {0.8, 0.7}, new double[] {1.0}),
          List.of(new double[] {Math.log(0.6), Math.log(0.5)}, new double[] {Math.log(0.4)})));

  @Test
  void enttpIsTheMeanOverPassesOfTheTokenWeightedEntropy() {
    // pass 1: (1.0 + 0.5 + 2.0) / 3 = 7/6; pass 2: (0.8 + 0.7 + 1.0) / 3 = 5/6; mean 1.0
    assertEquals(1.0, UncertaintyMeasure.ENTTP.of(PASSES), 1e-12);
  }

  @Test
  void pretpIsOneLessTheMeanSequenceProbabilityOfTheTopTokens() {
    // pass 1: (0.5 × 0.25 + 0.8) / 2 = 0.4625; pass 2: (0.6 × 0.5 + 0.4) / 2 = 0.35; 1 − 0.40625
    assertEquals(0.59375, UncertaintyMeasure.PRETP.of(PASSES), 1e-12);
  }

  @Test
  void exptpIsOneLessTheMeanPerTokenGeometricMean() {
    // pass 1: (√0.125 + 0.8) / 2 = 0.5767767; pass 2: (√0.3 + 0.4) / 2 = 0.4738613; 1 − 0.5253190
    double expected = 1 - ((Math.sqrt(0.125) + 0.8) / 2 + (Math.sqrt(0.3) + 0.4) / 2) / 2;
    assertEquals(0.4746810, expected, 1e-7);
    assertEquals(expected, UncertaintyMeasure.EXPTP.of(PASSES), 1e-12);
  }

  @Test
  void vartpIsTheMeanSampleVarianceOfTheTopLogProbabilities() {
    // Two values a, b have sample variance (a − b)² / 2. Pass 1: (ln 2)² / 2; pass 2: (ln 1.2)² / 2.
    // Example 1 has one response token: torch.var would give NaN, so it is left out of the mean.
    double expected = (LN2 * LN2 / 2 + Math.log(1.2) * Math.log(1.2) / 2) / 2;
    assertEquals(0.1284235, expected, 1e-7);
    assertEquals(expected, UncertaintyMeasure.VARTP.of(PASSES), 1e-12);
    UncertaintyMeasure.Pass single = new UncertaintyMeasure.Pass(List.<double[]>of(new double[] {1}),
        List.<double[]>of(new double[] {-1}));
    assertEquals(0, UncertaintyMeasure.VARTP.of(List.of(single)), 0);
  }

  @Test
  void namesAreParsedAndABadOneOrAnEmptyBatchIsRefused() {
    assertEquals(UncertaintyMeasure.VARTP, UncertaintyMeasure.parse("mix.multiuat-variant", "vartp"));
    UserError e = assertThrows(UserError.class, () -> UncertaintyMeasure.parse("mix.multiuat-variant", "entropy"));
    assertEquals("mix.multiuat-variant = 'entropy' is not one of enttp, pretp, exptp, vartp", e.getMessage());
    UncertaintyMeasure.Pass empty = new UncertaintyMeasure.Pass(List.<double[]>of(new double[0]),
        List.<double[]>of(new double[0]));
    assertThrows(IllegalArgumentException.class, () -> UncertaintyMeasure.ENTTP.of(List.of(empty)));
    assertThrows(IllegalArgumentException.class, () -> UncertaintyMeasure.PRETP.of(List.of()));
  }
}
