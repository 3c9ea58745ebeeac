package io.skillmix.compare;

import io.skillmix.UserError;
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
   * @param specialist the target dataset of {@code --specialist}, or null; {@code only} and the
   *     {@code mospec-*} arms need one
   */
  public static Arm parse(String name, String specialist) {
    List<String> o = new ArrayList<>();
    switch (name) {
      case "prop", "temp", "uni", "multidds", "multiuat" -> o.add("mix.method=" + name);
      case "only" -> {
        o.add("mix.method=prop");
        o.add("data.only=[" + target(name, specialist) + "]");
      }
      default -> {
        String[] parts = name.split("-");
        boolean known = parts.length >= 2 && parts.length <= 3
            && (parts[0].equals("mos") || parts[0].equals("mospec"))
            && (parts[1].equals("cossim") || parts[1].equals("diff"))
            && (parts.length == 2 || parts[2].equals("ema"));
        if (!known) {
          throw new UserError("--arms: unknown arm '" + name + "'; use " + String.join(", ", GENERALIST)
              + ", only, or mospec-cossim[-ema] / mospec-diff[-ema] with --specialist");
        }
        o.add("mix.method=mos");
        o.add("mix.reward=" + parts[1]);
        o.add("mix.ema=" + (parts.length == 3));
        o.add("mix.specialist=\"" + (parts[0].equals("mospec") ? target(name, specialist) : "") + "\"");
      }
    }
    return new Arm(name, o);
  }

  private static String target(String arm, String specialist) {
    if (specialist == null || specialist.isEmpty()) {
      throw new UserError("--arms: the arm '" + arm + "' needs a target skill: add --specialist NAME");
    }
    return specialist;
  }
}
