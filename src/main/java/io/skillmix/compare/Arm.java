package io.skillmix.compare;

import io.skillmix.UserError;
import io.skillmix.mix.MixturePolicies;
import io.skillmix.mix.MixturePolicy;
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
  public String method(String base) {
    String method = base;
    for (String o : overrides) {
      int eq = o.indexOf('=');
      if (eq > 0 && o.substring(0, eq).trim().equals("mix.method")) {
        method = MixturePolicies.parse("mix.method", o.substring(eq + 1).trim().replace("\"", "")).name();
      }
    }
    return method;
  }

  /** Whether this arm's mixture is learned: its policy's, {@code base} when it sets none. */
  public boolean learned(String base) {
    return MixturePolicies.parse("mix.method", method(base)).learned();
  }

  /** The overrides, comma-separated, as a table prints them. */
  public String described() {
    return overrides.isEmpty() ? "(the comparison's config as it is)" : String.join(", ", overrides);
  }

  /**
   * A built-in arm: a registered policy by name (every one but {@code mos}, whose arms name their
   * reward, and {@code fixed}, which needs weights: a user arm), or one of its variants as
   * {@code NAME-VARIANT} ({@link MixturePolicy#variants}); {@code only}; {@code mos-REWARD[-ema]} /
   * {@code mospec-REWARD[-ema]} for any registered reward ({@link Rewards}); or a policy whose
   * rewards an EMA may smooth (multidds, multiuat) with {@code -ema}. Such a baseline has no EMA
   * unless its name asks for one, as in its paper; a MoS arm says which it has.
   *
   * @param specialist the target dataset of {@code --specialist}, or null; {@code only} and the
   *     {@code mospec-*} arms need one
   */
  public static Arm parse(String name, String specialist) {
    Arm arm = builtin(name, specialist);
    if (arm == null) {
      throw new UserError("--arms: unknown arm '" + name + "'; use " + String.join(", ", GENERALIST)
          + ", " + String.join(", ", policyArms()) + ", only, mos-REWARD[-ema] or, with --specialist,"
          + " mospec-REWARD[-ema], REWARD one of " + String.join(", ", Rewards.names())
          + "; or define it with --arm NAME=key=value,... or compare.arms");
    }
    return arm;
  }

  /** Whether {@code name} is a built-in arm's (so a user's arm may not take it). */
  static boolean isBuiltin(String name) {
    return builtin(name, "any") != null;
  }

  /** The arms named after a policy or one of its variants (not mos, not fixed). */
  static List<String> policyArms() {
    List<String> names = new ArrayList<>();
    for (String policy : MixturePolicies.names()) {
      if (!policy.equals("mos") && !policy.equals("fixed")) {
        names.add(policy);
        MixturePolicies.find(policy).variants().keySet().forEach(v -> names.add(policy + "-" + v));
      }
    }
    return names;
  }

  private static Arm builtin(String name, String specialist) {
    List<String> o = new ArrayList<>();
    boolean ema = name.endsWith("-ema");
    String bare = ema ? name.substring(0, name.length() - "-ema".length()) : name;
    if (policyArm(bare, o)) {
      String policy = o.get(0).substring("mix.method=".length());
      boolean smooths = REFERENCE.hasPath("mix." + policy + ".ema") && !policy.equals("mos");
      if (smooths) {
        o.add("mix." + policy + ".ema=" + ema);
      } else if (ema) {
        return null; // nothing to smooth: a fixed prior, or a policy without an EMA of rewards
      }
    } else if (name.equals("only")) {
      o.add("mix.method=prop");
      o.add("data.only=[" + target(name, specialist) + "]");
    } else {
      boolean spec = name.startsWith("mospec-");
      if (!spec && !name.startsWith("mos-")) {
        return null;
      }
      String reward = bare.substring(spec ? "mospec-".length() : "mos-".length());
      if (!Rewards.names().contains(reward)) {
        return null;
      }
      o.add("mix.method=mos");
      o.add("mix.mos.reward=" + reward);
      o.add("mix.mos.ema=" + ema);
      o.add("mix.mos.specialist=\"" + (spec ? target(name, specialist) : "") + "\"");
    }
    return new Arm(name, o);
  }

  private static final com.typesafe.config.Config REFERENCE = com.typesafe.config.ConfigFactory.defaultReference();

  /** Adds the overrides of the policy arm {@code name} (a policy, or POLICY-VARIANT) to {@code o}; false if none. */
  private static boolean policyArm(String name, List<String> o) {
    for (String policy : MixturePolicies.names()) {
      if (policy.equals("mos") || policy.equals("fixed")) {
        continue;
      }
      if (name.equals(policy)) {
        o.add("mix.method=" + policy);
        return true;
      }
      for (var variant : MixturePolicies.find(policy).variants().entrySet()) {
        if (name.equals(policy + "-" + variant.getKey())) {
          o.add("mix.method=" + policy);
          o.add("mix." + policy + "." + variant.getValue());
          return true;
        }
      }
    }
    return false;
  }

  private static String target(String arm, String specialist) {
    if (specialist == null || specialist.isEmpty()) {
      throw new UserError("--arms: the arm '" + arm + "' needs a target skill: add --specialist NAME");
    }
    return specialist;
  }
}
