package io.skillmix.run;

import com.typesafe.config.Config;

/** Test access to the package-private steps of {@link RunPreparation}. */
public final class RunPreparationAccess {
  private RunPreparationAccess() {}

  public static Config withAbsolutePaths(Config config) {
    return RunPreparation.withAbsolutePaths(config);
  }
}
