package io.skillmix.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The flat {@code mix.*} keys from before each mixing policy and reward read its own subtree
 * ({@code mix.<name>.*}), moved to their new names in the user's part of a config, so old config
 * files, compare arms and the recorded config of a run to resume still read the same. A key the
 * user also sets under its new name keeps the new one.
 */
final class LegacyKeys {

  private LegacyKeys() {}

  /** Old key → the keys it now is (several where one old key served several methods). */
  private static final Map<String, List<String>> RENAMED = renamed();

  private static Map<String, List<String>> renamed() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("mix.weights", List.of("mix.fixed.weights"));
    m.put("mix.prior-temperature", List.of("mix.temp.temperature"));
    m.put("mix.reward", List.of("mix.mos.reward"));
    m.put("mix.specialist", List.of("mix.mos.specialist"));
    m.put("mix.ema", List.of("mix.mos.ema", "mix.multidds.ema", "mix.multiuat.ema"));
    m.put("mix.ema-alpha", List.of("mix.mos.ema-alpha", "mix.multidds.ema-alpha", "mix.multiuat.ema-alpha"));
    m.put("mix.scorer-prior-temperature", List.of("mix.scorer.prior-temperature"));
    m.put("mix.scorer-steps", List.of("mix.scorer.steps"));
    m.put("mix.scorer-lr", List.of("mix.scorer.lr"));
    m.put("mix.update", List.of("mix.scorer.update"));
    m.put("mix.reward-batch-size", List.of("mix.cossim.batch-size", "mix.diff.batch-size", "mix.multidds.batch-size",
        "mix.multiuat.batch-size"));
    m.put("mix.multidds-layers", List.of("mix.multidds.layers"));
    m.put("mix.multiuat-passes", List.of("mix.multiuat.passes"));
    m.put("mix.multiuat-dropout", List.of("mix.multiuat.dropout"));
    m.put("mix.multiuat-variant", List.of("mix.multiuat.variant"));
    m.put("mix.diff-tokens", List.of("mix.diff.tokens"));
    return m;
  }

  /** {@code user} with every old key moved to its new name(s). */
  static Config migrate(Config user) {
    Config out = user;
    if (user.hasPath("mix.scorer") && user.getValue("mix.scorer").valueType() != ConfigValueType.OBJECT) {
      out = move(out, "mix.scorer", List.of("mix.scorer.kind")); // the scorer's network was mix.scorer = logits
    }
    for (Map.Entry<String, List<String>> e : RENAMED.entrySet()) {
      if (!out.hasPath(e.getKey())) {
        continue;
      }
      ConfigValue value = out.getValue(e.getKey());
      Object raw = value.unwrapped();
      boolean meansDefault = e.getKey().equals("mix.ema") && raw instanceof String s && s.trim().equalsIgnoreCase("auto")
          || e.getKey().equals("mix.reward-batch-size") && raw instanceof Number n && n.doubleValue() == 0;
      out = meansDefault ? out.withoutPath(e.getKey()) : move(out, e.getKey(), e.getValue());
    }
    return out;
  }

  private static Config move(Config config, String from, List<String> to) {
    ConfigValue value = config.getValue(from);
    Config out = config.withoutPath(from);
    for (String key : to) {
      if (!config.hasPath(key)) {
        out = out.withValue(key, value);
      }
    }
    return out;
  }
}
