package io.skillmix.compare;

import io.skillmix.UserError;
import io.skillmix.run.RunSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Comparisons that are one command: the ablations of the asynchronous design ({@code --ablation})
 * and the paper's tables ({@code --table}). Each is a list of arms, their overrides printed in the
 * table like any other arm's.
 */
public final class Presets {

  public static final List<String> ABLATIONS = List.of("async", "interval");
  public static final List<String> TABLES = List.of("prior");

  /** The reward intervals S of {@code --ablation interval}. */
  static final List<Integer> INTERVALS = List.of(25, 50, 100, 200);

  /** The prior temperatures τ of the paper's Table 3. */
  static final List<String> TEMPERATURES = List.of("1", "10", "inf");

  private Presets() {}

  /**
   * {@code async}: how the probabilities reach the learner, at the config's S: sync; lagged with
   * L = S/4, S/2, S; free; and lagged L = S/2 with the evaluator on as many torch threads as the
   * learner (sharing its cores) instead of its own half of them (the default on a CPU).
   * {@code interval}: S = 25, 50, 100, 200, each with L = S/2.
   *
   * @param base the comparison's settings (its S, learner threads and method)
   */
  public static List<Arm> ablation(String which, RunSettings base) {
    if (!base.mix().learned()) {
      throw new UserError("--ablation " + which + " changes how learned probabilities are applied, and mix.method = "
          + base.mix().method() + " learns none; use mos, multidds or multiuat");
    }
    return switch (which) {
      case "async" -> async(base.mix().updateEvery(), base.learnerThreads());
      case "interval" -> interval();
      default -> throw new UserError("--ablation " + which + ": use one of " + String.join(", ", ABLATIONS));
    };
  }

  static List<Arm> async(int every, int learnerThreads) {
    if (every < 4) {
      throw new UserError("--ablation async: mix.update-every = " + every + " leaves no room for L = S/4; use 4 or more");
    }
    List<Arm> arms = new ArrayList<>();
    arms.add(new Arm("sync", List.of("mix.apply=sync", "mix.lag-steps=0")));
    Map<Integer, Boolean> lags = new LinkedHashMap<>();
    for (int lag : new int[] {every / 4, every / 2, every}) {
      if (lags.putIfAbsent(lag, true) == null) {
        arms.add(new Arm("lagged-" + lag, List.of("mix.apply=lagged", "mix.lag-steps=" + lag)));
      }
    }
    arms.add(new Arm("free", List.of("mix.apply=free")));
    arms.add(new Arm("lagged-" + every / 2 + "-shared-threads", List.of("mix.apply=lagged",
        "mix.lag-steps=" + every / 2, "devices.evaluator-threads=" + learnerThreads)));
    return arms;
  }

  static List<Arm> interval() {
    List<Arm> arms = new ArrayList<>();
    for (int every : INTERVALS) {
      arms.add(new Arm("every-" + every, List.of("mix.update-every=" + every, "mix.lag-steps=" + every / 2)));
    }
    return arms;
  }

  /**
   * {@code prior}: the paper's Table 3, MoS from the scorer prior τ = 1, 10, ∞ beside the
   * temperature baseline at the same τ (τ = ∞ is the uniform mixture).
   */
  public static List<Arm> table(String which) {
    if (!which.equals("prior")) {
      throw new UserError("--table " + which + ": use one of " + String.join(", ", TABLES));
    }
    List<Arm> arms = new ArrayList<>();
    for (String t : TEMPERATURES) {
      arms.add(new Arm("temp-" + t, t.equals("inf") ? List.of("mix.method=uni")
          : List.of("mix.method=temp", "mix.prior-temperature=" + t)));
    }
    for (String t : TEMPERATURES) {
      arms.add(new Arm("mos-prior-" + t, List.of("mix.method=mos", "mix.scorer-prior-temperature=" + t)));
    }
    return arms;
  }
}
