package io.skillmix.compare;

import io.skillmix.UserError;
import io.skillmix.mix.MixtureMethod;
import io.skillmix.mix.Rewards;
import java.util.ArrayList;
import java.util.List;

/**
 * One arm of a comparison: a name and the config overrides it puts on top of the comparison's
 * config. Every arm keeps every other setting of that config. A built-in arm ({@link #parse}) is
 * its overrides too, so every table says exactly what each arm set.
 *
 * @param name as given to {@code --arms}; also the arm's folder name
 * @param overrides {@code key=value} strings
 */
public record Arm(String name, List<String> overrides) {

  /** The generalist arms of the paper's Table 2, in its order. */
  public static final List<String> GENERALIST = List.of("prop", "temp", "uni", "mos-cossim",
      "mos-cossim-ema", "mos-diff", "mos-diff-ema", "multidds", "multiuat");

  /** The arms of the paper's Table 5 for a target skill: target only, generalists, MoSpec. */
  public static final List<String> SPECIALIST = List.of("only", "prop", "temp", "uni",
      "mos-cossim-ema", "mos-diff-ema", "mospec-cossim-ema", "mospec-diff-ema");

  public Arm {
    overrides = List.copyOf(overrides);
  }

  /**
   * The mixture method this arm trains with: its last {@code mix.method} override, else {@code base}
   * (the comparison's config).
   */
  public MixtureMethod method(MixtureMethod base) {
    MixtureMethod method = base;
    for (String o : overrides) {
      int eq = o.indexOf('=');
      if (eq > 0 && o.substring(0, eq).trim().equals("mix.method")) {
        method = MixtureMethod.parse("mix.method", o.substring(eq + 1).trim().replace("\"", ""));
      }
    }
    return method;
  }

  /** The overrides, comma-separated, as a table prints them. */
  public String described() {
    return overrides.isEmpty() ? "(the comparison's config as it is)" : String.join(", ", overrides);
  }

  /**
   * A built-in arm: a fixed or baseline method by name, {@code only}, {@code mos-REWARD[-ema]} /
   * {@code mospec-REWARD[-ema]} for any registered reward ({@link Rewards}), or a baseline with
   * {@code -ema}. A baseline (multidds, multiuat) has no EMA unless its name asks for one, as in
   * its paper; a MoS arm says which it has.
   *
   * @param specialist the target dataset of {@code --specialist}, or null; {@code only} and the
   *     {@code mospec-*} arms need one
   */
  public static Arm parse(String name, String specialist) {
    Arm arm = builtin(name, specialist);
    if (arm == null) {
      throw new UserError("--arms: unknown arm '" + name + "'; use " + String.join(", ", GENERALIST)
          + ", only, mos-REWARD[-ema] or, with --specialist, mospec-REWARD[-ema], REWARD one of "
          + String.join(", ", Rewards.names()) + "; or define it with --arm NAME=key=value,... or compare.arms");
    }
    return arm;
  }

  /** Whether {@code name} is a built-in arm's (so a user's arm may not take it). */
  static boolean isBuiltin(String name) {
    return builtin(name, "any") != null;
  }

  private static Arm builtin(String name, String specialist) {
    List<String> o = new ArrayList<>();
    boolean ema = name.endsWith("-ema");
    MixtureMethod method = baseline(ema ? name.substring(0, name.length() - "-ema".length()) : name);
    if (method != null) {
      o.add("mix.method=" + method);
      if (method.learned()) {
        o.add("mix.ema=" + ema);
      } else if (ema) {
        return null; // a fixed prior has no rewards to smooth
      }
    } else if (name.equals("only")) {
      o.add("mix.method=" + MixtureMethod.PROP);
      o.add("data.only=[" + target(name, specialist) + "]");
    } else {
      boolean spec = name.startsWith("mospec-");
      if (!spec && !name.startsWith("mos-")) {
        return null;
      }
      String rest = name.substring(spec ? "mospec-".length() : "mos-".length());
      String reward = ema ? rest.substring(0, rest.length() - "-ema".length()) : rest;
      if (!Rewards.names().contains(reward)) {
        return null;
      }
      o.add("mix.method=" + MixtureMethod.MOS);
      o.add("mix.reward=" + reward);
      o.add("mix.ema=" + ema);
      o.add("mix.specialist=\"" + (spec ? target(name, specialist) : "") + "\"");
    }
    return new Arm(name, o);
  }

  /** The method an arm named after it stands for (prop, temp, uni, multidds, multiuat), or null. */
  private static MixtureMethod baseline(String name) {
    for (MixtureMethod method : MixtureMethod.values()) {
      if (method != MixtureMethod.MOS && method != MixtureMethod.FIXED // needs its weights: a user arm
          && method.toString().equals(name)) {
        return method;
      }
    }
    return null;
  }

  private static String target(String arm, String specialist) {
    if (specialist == null || specialist.isEmpty()) {
      throw new UserError("--arms: the arm '" + arm + "' needs a target skill: add --specialist NAME");
    }
    return specialist;
  }
}
