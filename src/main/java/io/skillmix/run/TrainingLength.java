package io.skillmix.run;

import com.typesafe.config.Config;
import io.skillmix.UserError;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How long a run trains, and what that means for each dataset: {@code train.epochs}, when set,
 * gives the steps from the data actually trained on (after {@code max-samples} and the dev carve);
 * a dataset drawn more than {@code data.max-repeats-warning} times over under the starting mixture
 * gets one warning line at the start of the run and in its report.
 */
final class TrainingLength {

  private TrainingLength() {}

  /** Refuses a bad {@code train.epochs} or {@code data.max-repeats-warning}, naming the key. */
  static void check(Config c) {
    epochs(c);
    maxRepeats(c);
  }

  /** {@code train.epochs}; 0 when the run is sized by {@code train.steps}. */
  static double epochs(Config c) {
    double epochs = c.getDouble("train.epochs");
    if (!(epochs >= 0) || Double.isInfinite(epochs)) {
      throw new UserError("train.epochs = " + c.getValue("train.epochs").unwrapped() + " must be 0 (train.steps"
          + " sizes the run) or a positive number of passes over the training examples, such as 3 or 0.5");
    }
    return epochs;
  }

  static double maxRepeats(Config c) {
    double max = c.getDouble("data.max-repeats-warning");
    if (!(max > 0) || Double.isInfinite(max)) {
      throw new UserError("data.max-repeats-warning = " + c.getValue("data.max-repeats-warning").unwrapped()
          + " must be a positive number of passes over a dataset, such as 4");
    }
    return max;
  }

  /** The settings with {@code train.epochs} turned into steps; as they are when it is 0. */
  static RunSettings sized(RunSettings settings, RunData data) {
    double epochs = epochs(settings.config());
    if (epochs == 0) {
      return settings;
    }
    long examples = trainingExamples(data);
    long steps = Math.max(1, (long) Math.ceil(epochs * examples / settings.train().batchSize()));
    return settings.withSteps(steps);
  }

  /** The line that says how the steps came about, or null when {@code train.steps} gave them. */
  static String stepsNote(RunSettings settings, RunData data) {
    double epochs = epochs(settings.config());
    if (epochs == 0) {
      return null;
    }
    return String.format(Locale.ROOT, "train: train.epochs = %s gives %,d steps (%s × %,d training examples /"
        + " train.batch-size %d, rounded up); train.steps is not used", number(epochs), settings.train().steps(),
        number(epochs), trainingExamples(data), settings.train().batchSize());
  }

  /**
   * One line per dataset that the run's length and starting mixture repeat more than
   * {@code data.max-repeats-warning} times: steps × batch × its probability ÷ its training examples.
   */
  static List<String> repeatWarnings(RunSettings settings, RunData data) {
    double max = maxRepeats(settings.config());
    double[] p = settings.mix().startProbabilities(data.sizes());
    List<String> out = new ArrayList<>();
    long perStep = settings.train().batchSize();
    for (int i = 0; i < data.sets().size(); i++) {
      RunData.Set set = data.sets().get(i);
      double draws = (double) settings.train().steps() * perStep * p[i];
      double repeats = draws / set.train().size();
      if (repeats > max) {
        out.add(String.format(Locale.ROOT, "data: warning: '%s' will be repeated about %s times (%,d steps ×"
            + " batch %d × its starting probability %.3f = %,.0f draws from %,d training examples), more than"
            + " data.max-repeats-warning = %s; add examples, lower its weight, or train fewer steps",
            set.name(), number(Math.round(repeats * 10) / 10.0), settings.train().steps(), perStep, p[i], draws,
            set.train().size(), number(max)));
      }
    }
    return out;
  }

  private static long trainingExamples(RunData data) {
    long n = 0;
    for (long size : data.sizes()) {
      n += size;
    }
    return n;
  }

  /** 3 rather than 3.0; 0.5 as it is. */
  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.format(Locale.ROOT, "%,d", (long) v)
        : String.format(Locale.ROOT, "%s", v);
  }
}
