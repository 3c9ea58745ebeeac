package io.skillmix.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import io.skillmix.UserError;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the one HOCON tree of a run: {@code reference.conf} (every default, documented) under the
 * user's file, under {@code key=value} overrides from the command line.
 */
public final class ConfigLoader {

  /** The top-level keys that belong to skillmix (the rest of the tree is Pekko's and the JVM's). */
  public static final List<String> ROOTS =
      List.of("seed", "run", "model", "devices", "data", "train", "mix", "eval", "cluster");

  private ConfigLoader() {}

  /** The skillmix part of a resolved config, as HOCON a user can read and pass back in. */
  public static String render(Config config) {
    Config ours = ConfigFactory.empty();
    for (String root : ROOTS) {
      if (config.hasPath(root)) {
        ours = ours.withValue(root, config.getValue(root));
      }
    }
    return ours.root().render(
        ConfigRenderOptions.defaults().setOriginComments(false).setJson(false));
  }

  /**
   * The files {@code file} includes, directly or not, in the order they are read (absolute paths):
   * with the file itself, everything its settings come from.
   */
  public static List<Path> includedFiles(Path file) {
    return ConfigFiles.includes(file);
  }

  /**
   * @param file the user's config file (HOCON; YAML when it ends in .yaml or .yml), or {@code null}
   *     for the defaults alone
   * @param overrides {@code key=value} strings, applied in order, later ones winning
   */
  public static Config load(Path file, List<String> overrides) {
    return loadFiles(file == null ? List.of() : List.of(file), overrides);
  }

  /**
   * @param files config files, a later one winning over an earlier one (a node's cluster file
   *     over the run's config, for example)
   * @param overrides {@code key=value} strings, applied in order, winning over every file
   */
  public static Config loadFiles(List<Path> files, List<String> overrides) {
    Config user = ConfigFactory.empty();
    // Each layer's old key names move to their new ones before the layers merge, so a later layer
    // wins whichever name it uses.
    for (String override : overrides) {
      user = LegacyKeys.migrate(parseOverride(override)).withFallback(user);
    }
    for (int i = files.size() - 1; i >= 0; i--) {
      user = user.withFallback(LegacyKeys.migrate(parseFile(files.get(i))));
    }
    Config reference = ConfigFactory.defaultReference();
    rejectUnknownKeys(user, reference);
    try {
      Config resolved = user.withFallback(reference).resolve();
      Secrets.rememberEnvironmentValues(resolved);
      return resolved;
    } catch (ConfigException e) {
      throw new UserError(describe(e));
    }
  }

  /** Top-level keys a config may set besides skillmix's own: Pekko's (cluster-conf/ sets them). */
  private static final List<String> FOREIGN_ROOTS = List.of("pekko");

  /** Keys of one {@code data.datasets} entry. */
  public static final List<String> DATASET_KEYS =
      List.of("name", "path", "format", "held-out", "columns", "tags", "max-samples");

  /**
   * A misspelt key would silently fall back to its default: refuse it, naming the closest key.
   * That holds for every top-level key (only skillmix's and Pekko's exist) and for the keys of
   * each {@code data.datasets} entry.
   */
  private static void rejectUnknownKeys(Config user, Config reference) {
    String unknown = unknownKey(user, reference);
    if (unknown != null) {
      throw new UserError(unknown);
    }
    if (user.hasPath("data.datasets")) {
      rejectUnknownDatasetKeys(user);
    }
  }

  /**
   * Keys whose children a user names ({@code compare.arms.lag-25}): reference.conf has the key and
   * every name under it is the user's.
   */
  private static final List<String> USER_NAMED = List.of("compare.arms", "mix.weights", "mix.fixed.weights",
      "mix.min-probability", "mix.max-probability");

  /** "unknown key 'k' (origin); did you mean …" for the first key no default names, or null. */
  private static String unknownKey(Config user, Config reference) {
    for (var entry : user.entrySet()) {
      String key = entry.getKey();
      String root = key.contains(".") ? key.substring(0, key.indexOf('.')) : key;
      if (FOREIGN_ROOTS.contains(root) || reference.hasPathOrNull(key)
          || USER_NAMED.stream().anyMatch(k -> key.startsWith(k + "."))) {
        continue;
      }
      List<String> known = new java.util.ArrayList<>();
      for (var e : reference.entrySet()) {
        if (!e.getKey().startsWith("pekko.") && !e.getKey().startsWith("skillmix-dispatchers.")) {
          known.add(e.getKey());
        }
      }
      String origin = entry.getValue().origin().description();
      String closest = closest(key, known);
      return "unknown key '" + key + "' (" + origin + ")"
          + (closest == null ? "" : "; did you mean '" + closest + "'?")
          + " Every key is listed in reference.conf.";
    }
    return null;
  }

  /**
   * The check {@link #load} makes of its overrides, for overrides kept to be loaded later (a
   * {@code compare} arm's): a key no default names is refused in one line that starts with
   * {@code where}.
   */
  public static void checkKeys(String where, List<String> overrides) {
    Config reference = ConfigFactory.defaultReference();
    for (String override : overrides) {
      String unknown;
      try {
        unknown = unknownKey(LegacyKeys.migrate(parseOverride(override)), reference);
      } catch (UserError e) {
        throw new UserError(where + ": " + e.getMessage());
      }
      if (unknown != null) {
        throw new UserError(where + ": " + unknown.replaceFirst(" \\(command line(: \\d+)?\\)", ""));
      }
    }
  }

  private static void rejectUnknownDatasetKeys(Config user) {
    List<? extends com.typesafe.config.ConfigValue> entries;
    try {
      entries = user.getList("data.datasets");
    } catch (ConfigException e) {
      throw new UserError(describe(e));
    }
    for (int i = 0; i < entries.size(); i++) {
      com.typesafe.config.ConfigValue entry = entries.get(i);
      String where = "data.datasets[" + i + "] (" + entry.origin().description() + ")";
      if (!(entry instanceof com.typesafe.config.ConfigObject object)) {
        throw new UserError(where + ": an entry is an object such as"
            + " { name = math, path = \"data/math.jsonl\" }, not " + entry.valueType().name().toLowerCase(java.util.Locale.ROOT));
      }
      for (String key : object.keySet()) {
        if (!DATASET_KEYS.contains(key)) {
          String closest = closest(key, DATASET_KEYS);
          throw new UserError(where + ": unknown key '" + key + "'"
              + (closest == null ? "" : "; did you mean '" + closest + "'?")
              + " An entry takes " + String.join(", ", DATASET_KEYS) + ".");
        }
      }
      for (String required : List.of("name", "path")) {
        if (!object.containsKey(required)) {
          throw new UserError(where + ": has no " + required + "; every entry needs a name and a path,"
              + " such as { name = math, path = \"data/math.jsonl\" }");
        }
      }
    }
  }

  private static String closest(String key, List<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int d = editDistance(key.toLowerCase(java.util.Locale.ROOT), candidate);
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    return bestDistance <= Math.max(3, key.length() / 3) ? best : null;
  }

  static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  static Config parseOverride(String override) {
    int eq = override.indexOf('=');
    if (eq <= 0) {
      throw new UserError(
          "override '" + override + "' is not of the form key=value (for example train.steps=200)");
    }
    String key = override.substring(0, eq).trim();
    String value = override.substring(eq + 1).trim();
    try {
      return ConfigFactory.parseString(
          key + " = " + value, ConfigParseOptions.defaults().setOriginDescription("command line"));
    } catch (ConfigException e) {
      // A bare string with characters HOCON reserves: quote it rather than fail.
      try {
        return ConfigFactory.parseString(key + " = " + quote(value));
      } catch (ConfigException again) {
        throw new UserError("override '" + override + "': " + describe(e));
      }
    }
  }

  private static Config parseFile(Path file) {
    try {
      return ConfigFiles.parse(file);
    } catch (UserError e) {
      // An include's own problem: say which file included it.
      throw e.getMessage().startsWith(file.toString()) || e.getMessage().startsWith(file.getFileName().toString())
          ? e : new UserError(file + ": " + e.getMessage(), e);
    }
  }

  private static String quote(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  /** One line from a Typesafe error: its origin (file: line) and reason. */
  public static String describe(ConfigException e) {
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName() : message.replace('\n', ' ');
  }
}
