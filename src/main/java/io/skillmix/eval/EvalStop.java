package io.skillmix.eval;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A stop request seen inside an evaluation: the evaluation during training runs on the learner's
 * thread, where the learner's own stop message waits until it returns (29 s at
 * eval.every-examples = 200). Its loops ask {@link #check()} between batches of items, so a stop
 * ends it there.
 */
public final class EvalStop {

  /** The evaluation was given up because a stop was requested. */
  public static final class Stopped extends RuntimeException {
    Stopped() {
      super("stopped on request", null, false, false);
    }
  }

  private static final ThreadLocal<BooleanSupplier> REQUESTED = new ThreadLocal<>();

  private EvalStop() {}

  /** Runs {@code work} on this thread; {@link #check()} inside it throws {@link Stopped} once {@code stop} is true. */
  public static <T> T watching(BooleanSupplier stop, Supplier<T> work) {
    BooleanSupplier before = REQUESTED.get();
    REQUESTED.set(stop);
    try {
      return work.get();
    } finally {
      REQUESTED.set(before);
    }
  }

  /** Between two batches of items: ends the evaluation when a stop was requested. */
  static void check() {
    BooleanSupplier stop = REQUESTED.get();
    if (stop != null && stop.getAsBoolean()) {
      throw new Stopped();
    }
  }
}
