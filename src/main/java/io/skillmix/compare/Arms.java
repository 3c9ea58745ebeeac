package io.skillmix.compare;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.skillmix.UserError;
import io.skillmix.config.ConfigLoader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a comparison's arms come from: the built-in names, {@code compare.arms} of the config,
 * {@code --arm NAME=key=value,...} and the presets ({@link Presets}). Each user-defined arm is
 * checked before anything runs: a folder name that is no built-in arm's, and keys that exist.
 */
public final class Arms {

  /** A name that is also a folder name on every system. */
  private static final String NAME = "[A-Za-z0-9][A-Za-z0-9._-]*";

  private Arms() {}

  /** {@code --arm NAME=key=value,key=value}; a comma inside brackets, braces or quotes stays in its value. */
  public static Arm fromOption(String spec) {
    int eq = spec.indexOf('=');
    if (eq <= 0) {
      throw new UserError("--arm " + spec + ": give NAME=key=value,key=value, such as"
          + " --arm lag-25=mix.apply=lagged,mix.lag-steps=25");
    }
    String name = spec.substring(0, eq).trim();
    List<String> overrides = splitTopLevel(spec.substring(eq + 1));
    return checked(new Arm(name, overrides), "--arm " + name);
  }

  /** The arms of {@code compare.arms} in {@code config}, in the order of their file. */
  public static List<Arm> fromConfig(Config config) {
    List<Map.Entry<String, ConfigValue>> entries = new ArrayList<>(config.getObject("compare.arms").entrySet());
    entries.sort(Comparator.comparingInt((Map.Entry<String, ConfigValue> e) -> e.getValue().origin().lineNumber())
        .thenComparing(Map.Entry::getKey));
    List<Arm> arms = new ArrayList<>();
    for (Map.Entry<String, ConfigValue> e : entries) {
      String where = "compare.arms." + e.getKey() + " (" + e.getValue().origin().description() + ")";
      if (e.getValue().valueType() != ConfigValueType.LIST) {
        throw new UserError(where + ": an arm is a list of \"key=value\" strings, such as"
            + " [\"mix.apply=lagged\", \"mix.lag-steps=25\"]");
      }
      List<String> overrides = new ArrayList<>();
      for (ConfigValue v : (ConfigList) e.getValue()) {
        if (v.valueType() != ConfigValueType.STRING || !v.unwrapped().toString().contains("=")) {
          throw new UserError(where + ": " + v.render() + " is not a \"key=value\" string");
        }
        overrides.add(v.unwrapped().toString());
      }
      arms.add(checked(new Arm(e.getKey(), overrides), where));
    }
    return arms;
  }

  /**
   * The arms a comparison runs, in table order: those {@code names} (each a defined arm or a
   * built-in one); without names, every defined arm; with neither, the paper's Table 2 (Table 5
   * with a specialist).
   *
   * @param defined from --arm, compare.arms and the presets, in that order; a name defined twice
   *     must mean the same overrides
   */
  public static List<Arm> choose(List<String> names, List<Arm> defined, String specialist) {
    Map<String, Arm> byName = new LinkedHashMap<>();
    for (Arm arm : defined) {
      Arm before = byName.putIfAbsent(arm.name(), arm);
      if (before != null && !before.overrides().equals(arm.overrides())) {
        throw new UserError("arm '" + arm.name() + "' is defined twice, as " + before.described() + " and as "
            + arm.described() + "; give one of them another name");
      }
    }
    List<String> chosen = names != null ? names.stream().map(String::trim).toList()
        : !byName.isEmpty() ? List.copyOf(byName.keySet())
        : specialist != null ? Arm.SPECIALIST : Arm.GENERALIST;
    if (chosen.stream().distinct().count() != chosen.size()) {
      throw new UserError("--arms: an arm is named twice");
    }
    return chosen.stream().map(n -> byName.containsKey(n) ? byName.get(n) : Arm.parse(n, specialist)).toList();
  }

  /**
   * Refuses, in one line naming the arm and the key, an override of a key no default names, or of
   * one compare sets for every run itself (seed, run.*) or reads itself (compare.*).
   */
  static void checkKeys(Arm arm, String where) {
    ConfigLoader.checkKeys("arm '" + arm.name() + "'" + (where.isEmpty() ? "" : " (" + where + ")"), arm.overrides());
    for (String o : arm.overrides()) {
      String key = o.substring(0, Math.max(0, o.indexOf('='))).trim();
      if (key.equals("seed") || key.startsWith("run.") || key.equals("run") || key.startsWith("compare")) {
        throw new UserError("arm '" + arm.name() + "': '" + key + "' is set by compare for every run"
            + " (--seeds, --out) and cannot differ between arms");
      }
    }
  }

  private static Arm checked(Arm arm, String where) {
    if (!arm.name().matches(NAME)) {
      throw new UserError(where + ": an arm's name is also its folder name: letters, digits, '.', '_' and '-'");
    }
    if (Arm.isBuiltin(arm.name())) {
      throw new UserError(where + ": '" + arm.name() + "' is a built-in arm; give yours another name");
    }
    checkKeys(arm, where);
    return arm;
  }

  /** Splits at commas outside brackets, braces and quotes. */
  static List<String> splitTopLevel(String text) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    boolean quoted = false;
    StringBuilder current = new StringBuilder();
    for (char c : text.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && (c == '[' || c == '{')) {
        depth++;
      } else if (!quoted && (c == ']' || c == '}')) {
        depth--;
      } else if (!quoted && depth == 0 && c == ',') {
        parts.add(current.toString().trim());
        current.setLength(0);
        continue;
      }
      current.append(c);
    }
    parts.add(current.toString().trim());
    return parts.stream().filter(p -> !p.isEmpty()).toList();
  }
}
