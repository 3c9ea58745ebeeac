package io.skillmix.cli;

import com.typesafe.config.Config;
import io.skillmix.config.ConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code skillmix train [CONFIG.conf] [key=value ...]}. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train on a mixture of datasets (defaults: the tiny preset on the built-in skill mix).")
public final class TrainCommand implements Runnable {

  @Parameters(paramLabel = "[CONFIG.conf] [key=value...]",
      description = "An optional HOCON file, then key=value overrides.")
  List<String> args = new ArrayList<>();

  @Override
  public void run() {
    Path file = null;
    List<String> overrides = new ArrayList<>();
    for (String a : args) {
      if (a.contains("=")) {
        overrides.add(a);
      } else if (file == null) {
        file = Path.of(a);
      } else {
        throw new io.skillmix.UserError(
            "unexpected argument '" + a + "': give one config file, then key=value overrides");
      }
    }
    Config config = ConfigLoader.load(file, overrides);
    System.out.println("The training loop lands with the training issue. Resolved configuration:");
    System.out.print(ConfigLoader.render(config));
  }
}
