package io.skillmix.compare;

import io.skillmix.UserError;
import io.skillmix.run.RunSettings;
import java.math.BigDecimal;
import java.math.MathContext;
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
  public static final List<String> TABLES = List.of("prior", "sweep", "mixers");

  /** The reward intervals S of {@code --ablation interval}. */
  static final List<Integer> INTERVALS = List.of(25, 50, 100, 200);

  /** The prior temperatures τ of the paper's Table 3. */
  static final List<String> TEMPERATURES = List.of("1", "10", "inf");

  /** The temperatures τ of {@code --table sweep}, between proportional (τ = 1) and uniform (τ = ∞). */
  static final List<String> SWEEP_TEMPERATURES = List.of("2", "10");

  /** The probability of a corner arm's own dataset in {@code --table sweep}; the others share the rest. */
  static final double CORNER = 0.7;

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
          + base.mix().method() + " learns none; use a learned one, such as mos");
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
   * temperature baseline at the same τ (τ = ∞ is the uniform mixture). {@code sweep}: the static
   * mixtures of a mixture-sensitivity sweep ({@link #sweep}).
   *
   * @param base the comparison's settings (the datasets of its mix)
   */
  public static List<Arm> table(String which, RunSettings base) {
    return switch (which) {
      case "prior" -> prior();
      case "sweep" -> sweep(base.datasetNames());
      case "mixers" -> mixers(scorerUpdateEvery(base), base.datasetNames().size());
      default -> throw new UserError("--table " + which + ": use one of " + String.join(", ", TABLES));
    };
  }

  static List<Arm> prior() {
    List<Arm> arms = new ArrayList<>();
    for (String t : TEMPERATURES) {
      arms.add(new Arm("temp-" + t, t.equals("inf") ? List.of("mix.method=uni")
          : List.of("mix.method=temp", "mix.temp.temperature=" + t)));
    }
    for (String t : TEMPERATURES) {
      arms.add(new Arm("mos-prior-" + t, List.of("mix.method=mos", "mix.scorer.prior-temperature=" + t)));
    }
    return arms;
  }

  /**
   * {@code mixers}: every online mixer beside the static mixtures, on the same data, seeds and
   * budget (issue 29): uni (stratified), prop, temp-10, MoS with CosSim and with Diff (EMA),
   * MultiDDS, MultiUAT, ODM, fms ODM (entropy), Aioli and DynamixSFT. Each learned arm updates every
   * {@code every} steps (the config's S), but ODM every step as its code; Aioli's LearnParams is cut
   * to one block of one step per dataset (lp-rounds = lp-steps = 1), so that a round of S steps holds
   * it and the rest.
   */
  /** The config's S as the MoS scorer reads it ({@code mix.update-every}, or its auto), whatever its method. */
  private static int scorerUpdateEvery(RunSettings base) {
    io.skillmix.mix.MixturePolicy.Setup setup = new io.skillmix.mix.MixturePolicy.Setup(
        new io.skillmix.config.ConfigSection(base.config(), "mix"), base.datasetNames(),
        base.data().datasets().isEmpty(), base.seed());
    return setup.updateEvery(setup.paperUpdateEvery());
  }

  static List<Arm> mixers(int every, int datasets) {
    if (every <= datasets) {
      throw new UserError("--table mixers: mix.update-every = " + every + " leaves no room in an aioli round of "
          + every + " steps after its " + datasets + " LearnParams steps; use more than " + datasets);
    }
    String s = "mix.update-every=" + every;
    List<Arm> arms = new ArrayList<>(List.of(new Arm("uni", List.of("mix.method=uni")),
        new Arm("prop", List.of("mix.method=prop")),
        new Arm("temp-10", List.of("mix.method=temp", "mix.temp.temperature=10"))));
    for (String builtin : List.of("mos-cossim-ema", "mos-diff-ema", "multidds", "multiuat")) {
      List<String> o = new ArrayList<>(Arm.parse(builtin, null).overrides());
      o.add(s);
      arms.add(new Arm(builtin, o));
    }
    arms.add(new Arm("odm", List.of("mix.method=odm", "mix.update-every=1")));
    arms.add(new Arm("fms-odm", List.of("mix.method=fms-odm", s)));
    arms.add(new Arm("aioli", List.of("mix.method=aioli", s, "mix.aioli.lp-rounds=1", "mix.aioli.lp-steps=1")));
    arms.add(new Arm("dynamixsft", List.of("mix.method=dynamixsft", s)));
    return arms;
  }

  /**
   * Static mixtures from proportional to uniform and beyond, to see whether the choice of mixture
   * matters at all before a learned one is judged: prop; temp τ = 2, 10; uni; and a corner per
   * dataset, {@code corner-NAME}, with NAME at {@value #CORNER} and the others sharing the rest
   * equally ({@code mix.method=fixed}, {@code mix.weights}).
   */
  static List<Arm> sweep(List<String> datasets) {
    if (datasets.size() < 2) {
      throw new UserError("--table sweep: the mix has " + datasets.size() + " dataset; a sweep of mixtures needs two or more");
    }
    List<Arm> arms = new ArrayList<>(List.of(new Arm("prop", List.of("mix.method=prop"))));
    for (String t : SWEEP_TEMPERATURES) {
      arms.add(new Arm("temp-" + t, List.of("mix.method=temp", "mix.temp.temperature=" + t)));
    }
    arms.add(new Arm("uni", List.of("mix.method=uni")));
    String rest = weight((1 - CORNER) / (datasets.size() - 1));
    for (String corner : datasets) {
      List<String> weights = datasets.stream().map(d -> key(d) + "=" + (d.equals(corner) ? weight(CORNER) : rest)).toList();
      arms.add(new Arm("corner-" + corner, List.of("mix.method=fixed", "mix.fixed.weights={" + String.join(",", weights) + "}")));
    }
    return arms;
  }

  /** A probability in few digits: 0.3 / 3 is 0.1, not 0.09999999999999999. */
  private static String weight(double w) {
    return new BigDecimal(w).round(new MathContext(6)).stripTrailingZeros().toPlainString();
  }

  /** A dataset name as a HOCON key: quoted unless plain (a dot would make it a path). */
  private static String key(String name) {
    return name.matches("[A-Za-z0-9_-]+") ? name : "\"" + name.replace("\"", "\\\"") + "\"";
  }
}
