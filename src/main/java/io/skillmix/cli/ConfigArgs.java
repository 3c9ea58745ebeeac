package io.skillmix.cli;

import io.skillmix.UserError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The positional arguments of a command that takes a config: at most one file, then key=value
 * overrides (an argument with '=' is an override).
 *
 * @param file the config file, or null
 */
record ConfigArgs(Path file, List<String> overrides) {

  /** @param fileKind how the message names the file ("config file", "run config file") */
  static ConfigArgs parse(List<String> args, String fileKind) {
    Path file = null;
    List<String> overrides = new ArrayList<>();
    for (String a : args) {
      if (a.contains("=")) {
        overrides.add(a);
      } else if (file == null) {
        file = Path.of(a);
      } else {
        throw new UserError("unexpected argument '" + a + "': give one " + fileKind + ", then key=value overrides");
      }
    }
    return new ConfigArgs(file, overrides);
  }
}
