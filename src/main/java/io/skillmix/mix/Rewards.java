package io.skillmix.mix;

import io.skillmix.UserError;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The registry of rewards: every {@link Reward} named in a {@code META-INF/services/io.skillmix.mix.Reward}
 * on the class path (this project's lists cossim, diff, multidds and multiuat), read once.
 */
public final class Rewards {

  private static final Map<String, Reward> BY_NAME = load();

  private Rewards() {}

  private static Map<String, Reward> load() {
    Map<String, Reward> byName = new LinkedHashMap<>();
    for (Reward reward : ServiceLoader.load(Reward.class, Rewards.class.getClassLoader())) {
      Reward before = byName.putIfAbsent(reward.name(), reward);
      if (before != null && before.getClass() != reward.getClass()) {
        throw new IllegalStateException("two rewards named " + reward.name() + ": "
            + before.getClass().getName() + " and " + reward.getClass().getName());
      }
    }
    return Collections.unmodifiableMap(byName);
  }

  /** The registered names, in class-path order. */
  public static List<String> names() {
    return List.copyOf(BY_NAME.keySet());
  }

  /** The reward called {@code value}, or a UserError naming {@code key} and the choices. */
  public static Reward parse(String key, String value) {
    Reward reward = value == null ? null : BY_NAME.get(value.trim().toLowerCase(Locale.ROOT));
    if (reward == null) {
      throw new UserError(key + " = '" + value + "' is not one of " + String.join(", ", names()));
    }
    return reward;
  }

  /** A registered reward by its name; a programming error when there is none. */
  public static Reward named(String name) {
    Reward reward = BY_NAME.get(name);
    if (reward == null) {
      throw new IllegalArgumentException("no reward " + name + " is registered; registered: " + names());
    }
    return reward;
  }
}
