package io.skillmix.config;

import com.typesafe.config.Config;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Values a config took from the environment ({@code ${KEYSTORE_PASSWORD}}, the TLS recipe of
 * cluster-conf/README.md): a message about a bad value must not print them, so the command line
 * masks each one in whatever it prints as an error.
 */
public final class Secrets {

  /** Shorter values are no secret worth masking and would mask ordinary words. */
  private static final int MIN_LENGTH = 4;

  private static final Set<String> VALUES = ConcurrentHashMap.newKeySet();

  private Secrets() {}

  /** Remembers every value of {@code resolved} that came from an environment variable. */
  static void rememberEnvironmentValues(Config resolved) {
    for (var entry : resolved.entrySet()) {
      String origin = entry.getValue().origin().description();
      if (origin != null && origin.startsWith("env var")) {
        Object value = entry.getValue().unwrapped();
        if (value != null && String.valueOf(value).length() >= MIN_LENGTH) {
          VALUES.add(String.valueOf(value));
        }
      }
    }
  }

  /** {@code text} with every remembered value replaced by {@code ***}. */
  public static String mask(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String secret : VALUES) {
      out = out.replace(secret, "***");
    }
    return out;
  }
}
