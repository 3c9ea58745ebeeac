package io.skillmix.cli;

import io.skillmix.UserError;
import com.typesafe.config.Config;
import io.skillmix.compare.Arm;
import io.skillmix.compare.Arms;
import io.skillmix.compare.Comparison;
import io.skillmix.compare.Presets;
import io.skillmix.config.ConfigLoader;
import io.skillmix.run.RunSettings;
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
        + "paper's Table 2 (mean ± std, and Welch's t-test p-value against the best static arm) and plot the "
        + "probabilities. Started again with the same --out, it continues.")
public final class CompareCommand implements Runnable {

  @Option(names = "--arms", split = ",", paramLabel = "ARM",
      description = "Arms to compare, built-in or defined (--arm, compare.arms, a preset). Built in: every"
          + " mixing policy by name (odm, fms-odm, aioli, dynamixsft, ...) and its variants (odm-exp3,"
          + " fms-odm-train_loss, ...), mos-REWARD[-ema]. Default: every defined"
          + " arm; with none, all of prop,temp,uni,mos-cossim,mos-cossim-ema,mos-diff,mos-diff-ema,multidds,"
          + "multiuat (with --specialist: only,prop,temp,uni,mos-cossim-ema,mos-diff-ema,mospec-cossim-ema,"
          + "mospec-diff-ema).")
  List<String> arms;

  @Option(names = "--arm", paramLabel = "NAME=key=value,...",
      description = "Defines an arm by its overrides, e.g. --arm lag-25=mix.apply=lagged,mix.lag-steps=25"
          + " (repeatable; a config file can define them as compare.arms { NAME = [\"key=value\", ...] }).")
  List<String> armOptions = new ArrayList<>();

  @Option(names = "--ablation", paramLabel = "async|interval",
      description = "A preset of arms: async (sync; lagged with L = S/4, S/2, S; free; the evaluator on the"
          + " learner's threads) or interval (S = 25, 50, 100, 200).")
  String ablation;

  @Option(names = "--table", paramLabel = "prior|sweep|mixers",
      description = "A table as a preset of arms: prior (the paper's Table 3: MoS from the scorer prior"
          + " τ = 1, 10, ∞ beside the temperature baseline at the same τ), sweep (static mixtures: prop,"
          + " temp-2, temp-10, uni and a corner-NAME per dataset at 0.7, the others sharing 0.3) or mixers"
          + " (every online mixer: uni, prop, temp-10, mos-cossim-ema, mos-diff-ema, multidds, multiuat, odm,"
          + " fms-odm, aioli, dynamixsft at the config's S; odm every step). The table"
          + " gives each arm's Welch p-value against the best static arm (overall score, mean held-out loss)"
          + " and, under it, the static arms' best − worst gap in seed standard deviations.")
  String table;

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
    Config base = ConfigLoader.load(file, overrides);
    List<Arm> defined = new ArrayList<>();
    armOptions.forEach(spec -> defined.add(Arms.fromOption(spec)));
    defined.addAll(Arms.fromConfig(base));
    if (ablation != null) {
      defined.addAll(Presets.ablation(ablation, RunSettings.from(base)));
    }
    if (table != null) {
      defined.addAll(Presets.table(table, RunSettings.from(base)));
    }
    List<Arm> parsed = Arms.choose(arms, defined, specialist);
    Path dir = out != null ? out : Path.of("runs",
        "compare-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    List<String> deviceList = devices != null ? devices : List.of(base.getString("devices.learner"));
    PrintStream console = System.out;
    Comparison comparison = new Comparison(new Comparison.Plan(file, overrides, parsed, seeds, specialist,
        dir, deviceList, !noProgress), console);
    // Ctrl-C or SIGTERM: the finished runs are kept, the one in progress starts again (issue 33 E11).
    Thread hook = new Thread(() -> {
      console.println();
      console.println("stopped; the finished runs are kept in " + dir + ": the same command continues the comparison"
          + " (the run that was in progress starts again)");
      console.flush();
      Runtime.getRuntime().halt(0);
    }, "skillmix-compare-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    Comparison.Result result;
    try {
      result = comparison.run();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is reporting
      }
    }
    console.println();
    console.print(result.table().text());
    console.println();
    console.print(result.system().text());
    String tableName = specialist == null ? "table" : "table-" + specialist;
    String curves = specialist == null ? "curves" : "curves-" + specialist;
    console.printf("comparison folder: %s (%s.md, %s.csv, plots/weights-<arm>.png, plots/%s.png)%n",
        result.dir(), tableName, tableName, curves);
    console.println("arms: " + Arrays.toString(parsed.stream().map(Arm::name).toArray()));
  }
}
