package io.skillmix.cli;

import io.skillmix.UserError;
import io.skillmix.compare.Arm;
import io.skillmix.compare.Comparison;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code skillmix compare [CONFIG.conf] [key=value …] --arms … --seeds N}: the paper's Table 2 (or,
 * with {@code --specialist}, its Table 5) on this machine.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
    description = "Train and evaluate several mixture methods over several seeds; print a table like the "
        + "paper's Table 2 and plot the probabilities. Started again with the same --out, it continues.")
public final class CompareCommand implements Runnable {

  @Option(names = "--arms", split = ",", paramLabel = "ARM",
      description = "Arms to compare (default: all of prop,temp,uni,mos-cossim,mos-cossim-ema,mos-diff,"
          + "mos-diff-ema,multidds,multiuat; with --specialist: only,prop,temp,uni,mos-cossim-ema,"
          + "mos-diff-ema,mospec-cossim-ema,mospec-diff-ema).")
  List<String> arms;

  @Option(names = "--seeds", defaultValue = "3", description = "Seeds per arm (default: ${DEFAULT-VALUE}).")
  int seeds;

  @Option(names = "--specialist", paramLabel = "DATASET",
      description = "Target skill: adds the target-only and MoSpec arms (the paper's Table 5).")
  String specialist;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Comparison folder (default: runs/compare-<date-time>); give an existing one to continue it.")
  Path out;

  @Option(names = "--devices", split = ",", paramLabel = "DEVICE",
      description = "Run one arm at a time on each of these devices (default: devices.learner), e.g. gpu:0,gpu:1;"
          + " with two or more, each training runs in a JVM of its own (output in <arm>/seed-<k>.log).")
  List<String> devices;

  @Option(names = "--no-progress", description = "No progress bars (for logs).")
  boolean noProgress;

  @Parameters(paramLabel = "[CONFIG.conf] [key=value...]",
      description = "An optional HOCON file, then key=value overrides shared by every arm.")
  List<String> args = new ArrayList<>();

  @Override
  public void run() {
    if (seeds <= 0) {
      throw new UserError("--seeds must be 1 or more");
    }
    ConfigArgs given = ConfigArgs.parse(args, "config file");
    Path file = given.file();
    List<String> overrides = given.overrides();
    for (String o : overrides) {
      if (o.startsWith("run.dir") || o.startsWith("seed=")) {
        throw new UserError("'" + o + "': compare chooses run.dir and seed for every run; use --out and --seeds");
      }
    }
    List<String> names = arms != null ? arms : specialist != null ? Arm.SPECIALIST : Arm.GENERALIST;
    if (names.stream().distinct().count() != names.size()) {
      throw new UserError("--arms: an arm is named twice");
    }
    List<Arm> parsed = names.stream().map(n -> Arm.parse(n.trim(), specialist)).toList();
    Path dir = out != null ? out : Path.of("runs",
        "compare-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    List<String> deviceList = devices != null ? devices : List.of(
        io.skillmix.config.ConfigLoader.load(file, overrides).getString("devices.learner"));
    PrintStream console = System.out;
    Comparison.Result result = new Comparison(new Comparison.Plan(file, overrides, parsed, seeds, specialist,
        dir, deviceList, !noProgress), console).run();
    console.println();
    console.print(result.table().text());
    String table = specialist == null ? "table" : "table-" + specialist;
    String curves = specialist == null ? "curves" : "curves-" + specialist;
    console.printf("comparison folder: %s (%s.md, %s.csv, plots/weights-<arm>.png, plots/%s.png)%n",
        result.dir(), table, table, curves);
    console.println("arms: " + Arrays.toString(names.toArray()));
  }
}
