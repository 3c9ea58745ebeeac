package io.skillmix.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import io.skillmix.UserError;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One subtree of the run's config ({@code mix.odm}, {@code mix.scorer}, …) with checked readers:
 * a component (a mixing policy, a reward) reads its own keys through it, and a bad value is
 * refused with a {@link UserError} that names the full key and what it may be.
 */
public final class ConfigSection {

  private final Config config;
  private final String path;

  /** @param path the subtree's full key ({@code mix.odm}); "" for the root */
  public ConfigSection(Config config, String path) {
    this.config = config;
    this.path = path;
  }

  /** The subtree {@code name} below this one. */
  public ConfigSection section(String name) {
    return new ConfigSection(config, key(name));
  }

  /** The full key of {@code name} here, as errors and documentation name it. */
  public String key(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  public boolean has(String name) {
    return config.hasPath(key(name));
  }

  /** The value as the user would write it, on one line. */
  public String rendered(String name) {
    return config.getValue(key(name)).render(ConfigRenderOptions.concise());
  }

  private Object raw(String name) {
    if (!has(name)) {
      throw new UserError(key(name) + " is missing; every key is listed with its default in reference.conf");
    }
    return config.getValue(key(name)).unwrapped();
  }

  public String string(String name) {
    if (!(raw(name) instanceof String s)) {
      throw new UserError(key(name) + " = " + rendered(name) + " is not text");
    }
    return s;
  }

  /** Whether the value is the word auto (any case). */
  public boolean isAuto(String name) {
    return raw(name) instanceof String text && text.trim().equalsIgnoreCase("auto");
  }

  /** A finite number. */
  public double number(String name) {
    Object raw = raw(name);
    double v = Double.NaN;
    if (raw instanceof Number n) {
      v = n.doubleValue();
    } else if (raw instanceof String text) {
      try {
        v = Double.parseDouble(text.trim());
      } catch (NumberFormatException e) {
        v = Double.NaN;
      }
    }
    if (!Double.isFinite(v)) {
      throw new UserError(key(name) + " = " + rendered(name) + " is not a number");
    }
    return v;
  }

  public double positive(String name) {
    double v = number(name);
    if (!(v > 0)) {
      throw new UserError(key(name) + " = " + rendered(name) + " must be positive");
    }
    return v;
  }

  public double nonNegative(String name) {
    double v = number(name);
    if (!(v >= 0)) {
      throw new UserError(key(name) + " = " + rendered(name) + " must not be negative");
    }
    return v;
  }

  /** In [0, 1). */
  public double fraction(String name) {
    double v = number(name);
    if (!(v >= 0 && v < 1)) {
      throw new UserError(key(name) + " = " + rendered(name) + " must be in [0, 1)");
    }
    return v;
  }

  /** In [lo, hi] (both ends included). */
  public double between(String name, double lo, double hi) {
    double v = number(name);
    if (!(v >= lo && v <= hi)) {
      throw new UserError(key(name) + " = " + rendered(name) + " must be between " + lo + " and " + hi);
    }
    return v;
  }

  /** A whole number: 2.5 is refused, not rounded. */
  public long whole(String name) {
    Object raw = raw(name);
    if (raw instanceof Number n && (!(n instanceof Double || n instanceof Float)
        || n.doubleValue() == Math.rint(n.doubleValue()) && Math.abs(n.doubleValue()) < 0x1p62)) {
      return n.longValue();
    }
    if (raw instanceof String text) {
      try {
        return Long.parseLong(text.trim());
      } catch (NumberFormatException e) {
        // refused below
      }
    }
    throw new UserError(key(name) + " = " + rendered(name) + " is not a whole number");
  }

  public int positiveInt(String name) {
    long v = whole(name);
    if (v <= 0 || v > Integer.MAX_VALUE) {
      throw new UserError(key(name) + " = " + rendered(name) + " must be a positive whole number");
    }
    return (int) v;
  }

  public int nonNegativeInt(String name) {
    long v = whole(name);
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw new UserError(key(name) + " = " + rendered(name) + " must be 0 or more");
    }
    return (int) v;
  }

  /** A HOCON duration (10m, 30s). */
  public java.time.Duration duration(String name) {
    try {
      return config.getDuration(key(name));
    } catch (ConfigException.BadValue | ConfigException.WrongType e) {
      throw new UserError(key(name) + " = " + rendered(name) + " is not a duration; use a value such as 10m or 30s");
    }
  }

  /** A HOCON boolean (true, false, yes, no, on, off). */
  public boolean flag(String name) {
    try {
      return config.getBoolean(key(name));
    } catch (ConfigException.WrongType e) {
      throw new UserError(key(name) + " = " + rendered(name) + " is not valid; use true or false");
    }
  }

  /** One of {@code choices} (any case, spaces around), returned in lower case. */
  public String oneOf(String name, String... choices) {
    String value = string(name).trim().toLowerCase(Locale.ROOT);
    for (String choice : choices) {
      if (choice.equals(value)) {
        return value;
      }
    }
    throw new UserError(key(name) + " = '" + string(name) + "' is not one of " + String.join(", ", choices));
  }

  /**
   * A prior's τ: a positive number, or inf / infinity (any case) for τ = ∞, the uniform prior. HOCON
   * reads a bare inf as text, so it is spelled out here.
   */
  public double temperature(String name) {
    Object raw = raw(name);
    double tau = Double.NaN;
    if (raw instanceof Number n) {
      tau = n.doubleValue();
    } else if (raw instanceof String text) {
      String t = text.trim().toLowerCase(Locale.ROOT);
      t = t.startsWith("+") ? t.substring(1) : t;
      try {
        tau = t.equals("inf") || t.equals("infinity") ? Double.POSITIVE_INFINITY : Double.parseDouble(t);
      } catch (NumberFormatException e) {
        tau = Double.NaN;
      }
    }
    if (!(tau > 0)) {
      throw new UserError(key(name) + " = " + rendered(name) + " is not valid; use a positive number or inf"
          + " (1: proportional to size, 10: the temp baseline, inf: equal probabilities)");
    }
    return tau;
  }

  /**
   * An object of dataset name → number ({@code mix.fixed.weights}), in the order written; a value
   * that is not a finite number is refused with its key.
   */
  public Map<String, Double> numbers(String name) {
    Map<String, Double> out = new LinkedHashMap<>();
    if (!has(name)) {
      return out;
    }
    if (!(config.getValue(key(name)) instanceof com.typesafe.config.ConfigObject object)) {
      throw new UserError(key(name) + " = " + rendered(name) + " is not an object of name = number, such as "
          + key(name) + " { math = 0.7, nlp = 0.3 }");
    }
    for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
      Object v = e.getValue().unwrapped();
      if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
        throw new UserError(key(name) + "." + e.getKey() + " = " + e.getValue().render(ConfigRenderOptions.concise())
            + " is not a number; give each dataset a number, e.g. " + key(name) + " { math = 0.7, nlp = 0.3 }");
      }
      out.put(e.getKey(), n.doubleValue());
    }
    return out;
  }

  /** Whether the value is an object (not a number or text). */
  public boolean isObject(String name) {
    return has(name) && config.getValue(key(name)) instanceof com.typesafe.config.ConfigObject;
  }
}
