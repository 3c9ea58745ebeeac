package io.skillmix.mix;

/**
 * When a mixing policy acts, as the learner sees it: a pure function of the step count, so the
 * learner needs no message to know it and a resumed run acts at the same steps.
 */
public interface PolicyTiming {

  /** What the learner does after a number of steps. */
  enum Point {
    /** Nothing. */
    NONE,
    /** Sends an observation whose answer changes no probabilities (Aioli's held-out evaluations). */
    MEASURE,
    /** Sends an observation whose answer is new probabilities, applied as {@code mix.apply} says. */
    UPDATE
  }

  /** What happens after {@code stepsDone} learner steps (0: before the first step). */
  Point after(long stepsDone);

  /**
   * The mixture step {@code step} (counted from 0) must train on whatever the probabilities in
   * effect (Aioli's LearnParams trains on mixtures it chooses), or null.
   */
  default double[] dictated(long step) {
    return null;
  }

  /** Whether observations carry the learner's per-dataset training losses of the steps since the last one. */
  default boolean readsTrainingLosses() {
    return false;
  }

  /** Whether each observation needs a parameter snapshot computed on by the reward evaluator. */
  default boolean usesEvaluator() {
    return false;
  }

  /** Updates in a run of {@code steps} steps (none after the last step). */
  default long updates(long steps) {
    long n = 0;
    for (long s = 0; s < steps; s++) {
      if (after(s) == Point.UPDATE) {
        n++;
      }
    }
    return n;
  }

  /** Never acts: a static mixture. */
  PolicyTiming NEVER = stepsDone -> Point.NONE;

  /** An update every {@code s} steps (never at step 0), on the evaluator; {@code s} = 0: never. */
  static PolicyTiming every(int s) {
    return new PolicyTiming() {
      @Override
      public Point after(long stepsDone) {
        return s > 0 && stepsDone > 0 && stepsDone % s == 0 ? Point.UPDATE : Point.NONE;
      }

      @Override
      public boolean usesEvaluator() {
        return s > 0;
      }
    };
  }
}
