package io.skillmix.compare;

import io.skillmix.output.RunFolder;
import com.typesafe.config.Config;
import io.skillmix.UserError;
import io.skillmix.config.ConfigLoader;
import io.skillmix.eval.EvalReport;
import io.skillmix.eval.Evaluation;
import io.skillmix.run.RunSettings;
import io.skillmix.run.TrainingRun;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code skillmix compare}: trains every arm for every seed on the same model and data, evaluates
 * each final model, and writes the table and plots. Each (arm, seed) is a normal run folder
 * {@code DIR/<arm>/seed-<k>/} with an {@code eval.json} once it is evaluated; a cell with one is
 * not run again, so a stopped comparison continues where it was when started again.
 */
public final class Comparison {

  /** The line before an included file's text in {@code compare.conf}. */
  static final String INCLUDED = "# included file: ";

  /**
   * @param configFile the user's config, or null for the defaults
   * @param overrides {@code key=value} on top of it, shared by every arm
   * @param seeds seeds per arm: {@code seed}, {@code seed + 1}, …
   * @param devices one cell runs on each at a time (learner and evaluator on it); with more than
   *     one, each training runs in a JVM of its own (see {@link ChildJvm})
   */
  public record Plan(Path configFile, List<String> overrides, List<Arm> arms, int seeds,
      String specialist, Path dir, List<String> devices, boolean progress) {}

  /** One training run of the comparison. */
  record Cell(Arm arm, int index, long seed) {

    Path dir(Path root) {
      return root.resolve(arm.name()).resolve("seed-" + index);
    }

    String label() {
      return arm.name() + " seed " + index;
    }
  }

  /** The finished comparison: the results table, the system figures' table and where its files are. */
  public record Result(ResultTable table, ResultTable system, Path dir) {}

  private final Plan plan;
  private final PrintStream log;
  private final long baseSeed;
  private final boolean builtin;
  private final List<String> datasets;
  private final String baseMethod;

  public Comparison(Plan plan, PrintStream log) {
    this.plan = plan;
    this.log = log;
    checkOutput(plan);
    Config base = ConfigLoader.load(plan.configFile(), plan.overrides());
    RunSettings settings = RunSettings.from(base);
    this.baseSeed = settings.seed();
    this.baseMethod = settings.mix().method();
    this.builtin = settings.data().datasets().isEmpty();
    this.datasets = settings.datasetNames();
    if (plan.specialist() != null && !datasets.contains(plan.specialist())) {
      throw new UserError("--specialist " + plan.specialist() + " is not a dataset of this mix; use one of "
          + String.join(", ", datasets));
    }
    checkArms();
    checkSameSettings(ConfigLoader.render(base));
    writeArmFiles();
  }

  /**
   * {@code --out} is a new or empty folder, or a comparison to continue (it holds compare.conf, or
   * arm folders with their arm.conf: the unpacked records of one): never a folder of the user's,
   * whose table.md and plots/ it would overwrite, nor the current folder or one holding the config
   * file.
   */
  private static void checkOutput(Plan plan) {
    Path dir = plan.dir();
    if (Files.isRegularFile(dir.resolve("compare.conf")) || holdsArms(dir)) {
      return;
    }
    List<Path> inputs = plan.configFile() == null ? List.of() : List.of(plan.configFile());
    try {
      io.skillmix.output.OutputGuard.of("compare", "--out", inputs).checkFolder(dir, false);
    } catch (UserError e) {
      throw new UserError(e.getMessage().replace("; choose another --out or pass --overwrite",
          " and is not a comparison folder (it has no compare.conf); choose another --out"), e);
    }
  }

  private static boolean holdsArms(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (var entries = Files.list(dir)) {
      return entries.anyMatch(p -> Files.isRegularFile(p.resolve("arm.conf")));
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Every arm's overrides are checked before anything runs: known keys, and values a run takes
   * (each arm's settings are read whole); an arm folder of an earlier start must have had the
   * same overrides.
   */
  private void checkArms() {
    for (Arm arm : plan.arms()) {
      Arms.checkKeys(arm, "");
      List<String> overrides = new ArrayList<>(plan.overrides());
      overrides.addAll(arm.overrides());
      RunSettings settings;
      try {
        settings = RunSettings.from(ConfigLoader.load(plan.configFile(), overrides));
      } catch (UserError e) {
        throw new UserError("arm '" + arm.name() + "': " + e.getMessage());
      }
      String few = io.skillmix.run.UpdateCount.warning(settings);
      if (few != null) {
        log.println("arm '" + arm.name() + "': " + few);
      }
      Path file = armFile(arm);
      try {
        if (Files.exists(file) && !Files.readString(file).equals(armText(arm))) {
          throw new UserError(file + ": the arm '" + arm.name() + "' was run with other overrides; give it"
              + " another name, or a new --out");
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private void writeArmFiles() {
    for (Arm arm : plan.arms()) {
      if (!Files.exists(armFile(arm))) {
        try {
          Files.createDirectories(armFile(arm).getParent());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        writeAtomically(armFile(arm), armText(arm));
      }
    }
  }

  private Path armFile(Arm arm) {
    return plan.dir().resolve(arm.name()).resolve("arm.conf");
  }

  private static String armText(Arm arm) {
    return "# the overrides of arm " + arm.name() + ", on top of the comparison's config\n"
        + String.join("\n", arm.overrides()) + "\n";
  }

  /**
   * A comparison folder is only continued with the settings it was started with: the same config
   * file text and overrides (arms and seeds may be added). {@code resolved.conf} records every value.
   */
  private void checkSameSettings(String resolved) {
    Path file = plan.dir().resolve("compare.conf");
    try {
      String inputs = startedWith(plan.configFile(), plan.overrides());
      if (Files.exists(file)) {
        if (!Files.readString(file).equals(inputs)) {
          throw new UserError(file + ": this comparison was started with other settings; give the same config "
              + "and overrides to continue it, or a new --out");
        }
        return;
      }
      Files.createDirectories(plan.dir());
      writeAtomically(file, inputs);
      writeAtomically(plan.dir().resolve("resolved.conf"), resolved);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * What {@code compare.conf} records: the config file's text, the text of every file it includes
   * (each after a line naming it relative to the config's folder: a changed included file is a
   * changed setting, and {@code results tables} writes them back), and the overrides.
   */
  static String startedWith(Path configFile, List<String> overrides) throws IOException {
    StringBuilder inputs = new StringBuilder("# what this comparison was started with\n");
    inputs.append("# config file: ").append(configFile == null ? "(none)" : configFile).append('\n');
    if (configFile != null) {
      inputs.append(Files.readString(configFile)).append('\n');
      Path folder = configFile.toAbsolutePath().normalize().getParent();
      for (Path included : ConfigLoader.includedFiles(configFile)) {
        inputs.append(INCLUDED).append(folder.relativize(included)).append('\n');
        inputs.append(Files.readString(included)).append('\n');
      }
    }
    inputs.append("# overrides\n");
    overrides.forEach(o -> inputs.append(o).append('\n'));
    return inputs.toString();
  }

  public Result run() {
    List<Cell> cells = new ArrayList<>();
    for (int k = 1; k <= plan.seeds(); k++) {
      for (Arm arm : plan.arms()) {
        cells.add(new Cell(arm, k, baseSeed + k - 1));
      }
    }
    BlockingQueue<String> free = new ArrayBlockingQueue<>(plan.devices().size(), false, plan.devices());
    ExecutorService pool = Executors.newFixedThreadPool(plan.devices().size());
    try {
      List<Future<?>> running = new ArrayList<>();
      int[] done = {0};
      for (Cell cell : cells) {
        running.add(pool.submit(() -> {
          String device = free.take();
          try {
            runCell(cell, device);
          } finally {
            free.put(device);
          }
          synchronized (this) {
            done[0]++;
            log.printf(Locale.ROOT, "[%d/%d] %s evaluated%n", done[0], cells.size(), cell.label());
            writeOutputs();
          }
          return null;
        }));
      }
      for (Future<?> f : running) {
        f.get();
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      pool.shutdownNow();
    }
    ComparisonFiles.Tables tables = writeOutputs();
    return new Result(tables.results(), tables.system(), plan.dir());
  }

  private void runCell(Cell cell, String device) throws IOException, InterruptedException {
    Path runDir = cell.dir(plan.dir());
    Path evalFile = runDir.resolve(RunFolder.EVAL);
    if (Files.exists(evalFile)) {
      log.printf("%s: done before, kept%n", cell.label());
      return;
    }
    if (!finished(runDir)) {
      log.printf("%s: training in %s%n", cell.label(), runDir);
      long start = System.nanoTime();
      List<String> overrides = new ArrayList<>(plan.overrides());
      // the cell's device first, so an arm may put its evaluator elsewhere
      overrides.addAll(List.of("devices.learner=\"" + device + "\"", "devices.evaluator=\"" + device + "\""));
      overrides.addAll(cell.arm().overrides());
      overrides.addAll(List.of("seed=" + cell.seed(), "run.dir=\"" + runDir + "\"", "run.overwrite=true"));
      if (!plan.progress() || plan.devices().size() > 1) {
        overrides.add("run.progress=false");
      }
      if (plan.devices().size() > 1) {
        train(cell, overrides);
      } else {
        TrainingRun.run(ConfigLoader.load(plan.configFile(), overrides));
      }
      log.printf(Locale.ROOT, "%s: trained in %s%n", cell.label(), minutes(System.nanoTime() - start));
    }
    // Every arm is scored on the whole mix, whatever it trained on (the specialist's "only" arm too).
    List<String> evalOverrides = new ArrayList<>(plan.overrides());
    evalOverrides.add("seed=" + cell.seed());
    RunSettings settings = RunSettings.from(ConfigLoader.load(plan.configFile(), evalOverrides));
    // With model.lora, final/ is an adapter folder: evaluated on the run's base (model.path).
    Path trained = runDir.resolve(RunFolder.FINAL);
    boolean adapter = settings.lora().enabled() && settings.modelPath() != null;
    EvalReport report = Evaluation.run(adapter ? settings.modelPath() : trained, adapter ? trained : null,
        io.skillmix.run.RunData.evaluationInputs(settings), Evaluation.Options.builtin(plan.progress()));
    writeAtomically(evalFile, report.toJson());
  }

  /**
   * One of several trainings at once: {@code skillmix train} in a JVM of its own, its output in
   * {@code DIR/<arm>/seed-<k>.log}. Two in one JVM would share DJL's one gradient collector.
   */
  private void train(Cell cell, List<String> overrides) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("train"));
    if (plan.configFile() != null) {
      args.add(plan.configFile().toString());
    }
    args.addAll(overrides);
    Path output = cell.dir(plan.dir()).resolveSibling("seed-" + cell.index() + ".log");
    log.printf("%s: in a JVM of its own, output in %s%n", cell.label(), output);
    ChildJvm.run(cell.label(), args, output);
    if (!finished(cell.dir(plan.dir()))) {
      // A stop request (Ctrl-C reaches the child too) ends a training early with exit 0.
      throw new UserError(cell.label() + ": its training stopped before the end (see " + output
          + "); start the comparison again to train it again");
    }
  }

  /** A run that wrote its report and final model ended normally. */
  private static boolean finished(Path runDir) {
    return Files.exists(runDir.resolve(RunFolder.REPORT)) && Files.exists(runDir.resolve(RunFolder.FINAL).resolve("config.json"));
  }

  /** The tables of what is evaluated so far, and the plots; rewritten after every cell. */
  private ComparisonFiles.Tables writeOutputs() {
    return ComparisonFiles.write(plan, builtin ? Column.builtin(datasets) : Column.heldOut(datasets), baseMethod);
  }

  private static void writeAtomically(Path file, String text) {
    io.skillmix.output.AtomicFiles.writeString(file, text);
  }

  private static String minutes(long nanos) {
    Duration d = Duration.ofNanos(nanos);
    return String.format(Locale.ROOT, "%dm%02ds", d.toMinutes(), d.toSecondsPart());
  }
}
