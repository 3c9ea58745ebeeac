package io.skillmix.compare;

import io.skillmix.UserError;
import io.skillmix.mix.MixtureMethod;
import io.skillmix.mix.Rewards;
import java.util.ArrayList;
import java.util.List;

/**
 * One way of weighting the datasets in a comparison, as config overrides on top of the user's
 * config. Every arm keeps every other default (steps, model, data, S, scorer settings): an arm
 * changes only how the mixture is chosen.
 *
 * @param name as given to {@code --arms}
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
   * An arm is a fixed or baseline method by name, {@code only}, or {@code mos-REWARD[-ema]} /
   * {@code mospec-REWARD[-ema]} for any registered reward ({@link Rewards}).
   *
   * @param specialist the target dataset of {@code --specialist}, or null; {@code only} and the
   *     {@code mospec-*} arms need one
   */
  public static Arm parse(String name, String specialist) {
    List<String> o = new ArrayList<>();
    MixtureMethod method = baseline(name);
    if (method != null) {
      o.add("mix.method=" + method);
    } else if (name.equals("only")) {
      o.add("mix.method=" + MixtureMethod.PROP);
      o.add("data.only=[" + target(name, specialist) + "]");
    } else {
      boolean spec = name.startsWith("mospec-");
      String rest = name.substring(spec ? "mospec-".length() : name.startsWith("mos-") ? "mos-".length() : 0);
      boolean ema = rest.endsWith("-ema");
      String reward = ema ? rest.substring(0, rest.length() - "-ema".length()) : rest;
      if (!(spec || name.startsWith("mos-")) || !Rewards.names().contains(reward)) {
        throw new UserError("--arms: unknown arm '" + name + "'; use " + String.join(", ", GENERALIST)
            + ", only, mos-REWARD[-ema] or, with --specialist, mospec-REWARD[-ema], REWARD one of "
            + String.join(", ", Rewards.names()));
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
      if (method != MixtureMethod.MOS && method.toString().equals(name)) {
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
