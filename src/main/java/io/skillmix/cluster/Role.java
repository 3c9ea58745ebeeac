package io.skillmix.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.skillmix.UserError;
import java.time.Duration;
import java.util.Locale;

/** What one JVM runs: everything ({@link #ALL}, no cluster), or one role of a cluster. */
public enum Role {
  ALL, LEARNER, EVALUATOR, DATA;

  /** The role's name as config and cluster membership spell it. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Reads {@code cluster.role}. */
  public static Role from(Config config) {
    return parse(config.getString("cluster.role"), "cluster.role");
  }

  /** @param where what to name in the error: a key or an option */
  public static Role parse(String value, String where) {
    for (Role role : values()) {
      if (role.key().equals(value.trim().toLowerCase(Locale.ROOT))) {
        return role;
      }
    }
    throw new UserError(where + " = '" + value + "': give one of all, learner, evaluator, data");
  }

  /** Reads {@code cluster.wait-for-roles}. */
  public static Duration waitForRoles(Config config) {
    try {
      Duration wait = config.getDuration("cluster.wait-for-roles");
      if (wait.isNegative() || wait.isZero()) {
        throw new UserError("cluster.wait-for-roles = " + wait + ": give a positive duration such as 60s");
      }
      return wait;
    } catch (ConfigException e) {
      throw new UserError("cluster.wait-for-roles: " + e.getMessage().replace('\n', ' ')
          + "; give a duration such as 60s");
    }
  }
}
