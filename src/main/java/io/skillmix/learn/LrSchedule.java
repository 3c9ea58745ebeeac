package io.skillmix.learn;

/**
 * Linear warm-up from 0 to the peak over {@code warmupSteps}, then linear decay to 0 at
 * {@code totalSteps}, as Hugging Face's {@code get_linear_schedule_with_warmup} — except that
 * step 0 already learns: the rate of step s is that of HF's step s + 1, so no step is wasted at 0.
 */
public record LrSchedule(double peak, long warmupSteps, long totalSteps) {

  /** The schedule of a run's training settings: its peak rate, warm-up fraction and steps. */
  public static LrSchedule of(TrainSettings settings) {
    long warmup = Math.round(settings.steps() * settings.warmupFraction());
    return new LrSchedule(settings.lr(), warmup, settings.steps());
  }

  public double lr(long step) {
    long s = step + 1;
    if (s <= warmupSteps) {
      return peak * s / warmupSteps;
    }
    return peak * Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
  }
}
