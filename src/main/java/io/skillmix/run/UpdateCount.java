package io.skillmix.run;

import com.typesafe.config.ConfigValueFactory;
import io.skillmix.UserError;
import io.skillmix.config.ConfigSection;
import io.skillmix.mix.MixSettings;
import java.util.Locale;

/**
 * No silent non-runs: a learned mixture that will make fewer than {@link #ENOUGH} updates in the run
 * barely moves (a 30-step comparison once gave mos results identical to uni's). Before training,
 * such a run gets one warning line naming the keys that would give it enough, and their values.
 */
public final class UpdateCount {

  /** Updates a learned mixture needs before a run says nothing. */
  public static final int ENOUGH = 5;

  private UpdateCount() {}

  /** The warning for {@code settings}, or null when its mixture is static or updates often enough. */
  public static String warning(RunSettings settings) {
    MixSettings mix = settings.mix();
    long steps = settings.train().steps();
    if (!mix.learned()) {
      return null;
    }
    long updates = mix.plan().updates(steps);
    if (updates >= ENOUGH) {
      return null;
    }
    StringBuilder fix = new StringBuilder();
    int every = largestEnoughUpdateEvery(settings);
    if (every > 0) {
      fix.append("mix.update-every = ").append(every).append(" or less");
    }
    long more = leastEnoughSteps(mix);
    if (more > 0) {
      fix.append(fix.length() > 0 ? ", or " : "").append("train.steps = ").append(more).append(" or more");
    }
    return String.format(Locale.ROOT, "warning: mix.method = %s will make %d update%s of its mixture in %d"
        + " training steps (mix.update-every = %d): too few to learn one; %s gives it %d", mix.method(), updates,
        updates == 1 ? "" : "s", steps, mix.updateEvery(), fix.length() == 0 ? "no setting of S or length" : fix,
        ENOUGH);
  }

  /** The largest S at which the run's policy updates {@link #ENOUGH} times, or 0 if none does. */
  private static int largestEnoughUpdateEvery(RunSettings settings) {
    long steps = settings.train().steps();
    for (int s = settings.mix().updateEvery() - 1; s >= 1; s--) {
      try {
        ConfigSection mix = new ConfigSection(settings.config().withValue("mix.update-every",
            ConfigValueFactory.fromAnyRef(s)).withValue("mix.lag-steps", ConfigValueFactory.fromAnyRef(-1)), "mix");
        if (MixSettings.read(mix, settings.mix().guardrails().datasets(), settings.data().datasets().isEmpty(),
            settings.seed()).plan().updates(steps) >= ENOUGH) {
          return s;
        }
      } catch (UserError e) {
        return 0; // the policy refuses so small an S (Aioli's rounds must hold LearnParams)
      }
    }
    return 0;
  }

  /** The fewest steps with {@link #ENOUGH} updates at the run's own S (updates grow with steps). */
  private static long leastEnoughSteps(MixSettings mix) {
    long hi = Math.max(1, mix.updateEvery());
    while (mix.plan().updates(hi) < ENOUGH) {
      if (hi > Long.MAX_VALUE / 4) {
        return 0;
      }
      hi *= 2;
    }
    long lo = 1;
    while (lo < hi) {
      long mid = (lo + hi) >>> 1;
      if (mix.plan().updates(mid) >= ENOUGH) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return hi;
  }
}
