package io.skillmix.mix;

import io.skillmix.UserError;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The registry of mixing policies: every {@link MixturePolicy} named in a
 * {@code META-INF/services/io.skillmix.mix.MixturePolicy} on the class path, read once.
 */
public final class MixturePolicies {

  private static final Map<String, MixturePolicy> BY_NAME = load();

  private MixturePolicies() {}

  private static Map<String, MixturePolicy> load() {
    Map<String, MixturePolicy> byName = new LinkedHashMap<>();
    for (MixturePolicy policy : ServiceLoader.load(MixturePolicy.class, MixturePolicies.class.getClassLoader())) {
      MixturePolicy before = byName.putIfAbsent(policy.name(), policy);
      if (before != null && before.getClass() != policy.getClass()) {
        throw new IllegalStateException("two mixing policies named " + policy.name() + ": "
            + before.getClass().getName() + " and " + policy.getClass().getName());
      }
    }
    return Collections.unmodifiableMap(byName);
  }

  /** The registered names, in class-path order. */
  public static List<String> names() {
    return List.copyOf(BY_NAME.keySet());
  }

  /** The policy called {@code value}, or a UserError naming {@code key} and the choices. */
  public static MixturePolicy parse(String key, String value) {
    MixturePolicy policy = value == null ? null : BY_NAME.get(value.trim().toLowerCase(Locale.ROOT));
    if (policy == null) {
      throw new UserError(key + " = '" + value + "' is not one of " + String.join(", ", names()));
    }
    return policy;
  }

  /** The policy called {@code name}, or null when none is registered under it. */
  public static MixturePolicy find(String name) {
    return name == null ? null : BY_NAME.get(name.trim().toLowerCase(Locale.ROOT));
  }
}
