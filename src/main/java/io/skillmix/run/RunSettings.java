package io.skillmix.run;

import static io.skillmix.run.ConfigValues.fraction;
import static io.skillmix.run.ConfigValues.nonNegative;
import static io.skillmix.run.ConfigValues.nonNegativeInt;
import static io.skillmix.run.ConfigValues.oneOf;
import static io.skillmix.run.ConfigValues.positive;
import static io.skillmix.run.ConfigValues.positiveDuration;
import static io.skillmix.run.ConfigValues.positiveInt;
import static io.skillmix.run.ConfigValues.positiveLong;
import static io.skillmix.run.ConfigValues.wholeNumber;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.skillmix.UserError;
import io.skillmix.config.ConfigLoader;
import io.skillmix.config.ConfigSection;
import io.skillmix.learn.TrainSettings;
import io.skillmix.mix.ApplyMode;
import io.skillmix.mix.MixSettings;
import io.skillmix.model.Devices;
import io.skillmix.model.LoraSettings;
import io.skillmix.model.PretrainedPresets;
import io.skillmix.model.TorchThreads;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The typed view of one run's configuration: every value read, checked and named here, so a bad
 * value fails before any actor starts, with the key in the message.
 */
public record RunSettings(
    long seed,
    Path runDir,
    boolean overwrite,
    boolean progress,
    String preset,
    Path modelPath,
    String chatTemplate,
    String learnerDevice,
    String evaluatorDevice,
    TrainSettings train,
    Data data,
    MixSettings mix,
    Checkpointing checkpointing,
    Config config) {

  /**
   * @param every steps between checkpoints ({@code train.checkpoint-every}); one is also written at the end
   * @param keep complete checkpoints kept ({@code train.keep-checkpoints})
   * @param maxBadSteps non-finite steps in a row tolerated before the run stops ({@code train.max-bad-steps})
   * @param timeout how long a checkpoint waits for every actor's state ({@code train.checkpoint-timeout})
   */
  public record Checkpointing(long every, int keep, int maxBadSteps, Duration timeout) {}


  /**
   * @param heldOut the entry's {@code held-out} share, or NaN when it gives none (then {@code data.dev-fraction})
   * @param columns the entry's {@code columns} and {@code tags}, or null (the format says the layout)
   * @param maxSamples the entry's {@code max-samples}: a seeded sample of that many before the dev
   *     carve; 0 for every example
   */
  public record DatasetSpec(String name, Path path, String format, double heldOut,
      io.skillmix.data.format.ColumnMapping columns, int maxSamples) {}

  /** @param devFraction {@code data.dev-fraction}: the dev split carved from a dataset that has none */
  public record Data(List<DatasetSpec> datasets, List<String> only, String onError, int builtinTotal, double builtinHeldOut,
      int maxLength, String overlength, int prefetchSteps, Path cacheDir, double devFraction,
      double builtinNoise) {}

  public static RunSettings from(Config c) {
    try {
      return read(c);
    } catch (ConfigException e) {
      throw new UserError(ConfigLoader.describe(e));
    }
  }

  private static RunSettings read(Config c) {
    String dir = c.getString("run.dir");
    Path runDir = dir.isEmpty()
        ? Path.of("runs", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")))
        : Path.of(dir);
    String modelPath = modelPath(c);
    int batchSize = positiveInt(c, "train.batch-size");
    TrainSettings train = new TrainSettings(
        positiveLong(c, "train.steps"),
        batchSize,
        AutoTraining.microBatch(c, batchSize), // auto: the batch, at most 16
        AutoTraining.lr(c).value(), // auto: from scratch or fine-tune, LoRA or full
        fraction(c, "train.warmup-fraction"),
        nonNegative(c, "train.weight-decay"),
        fraction(c, "train.beta1"),
        fraction(c, "train.beta2"),
        positive(c, "train.eps"),
        nonNegative(c, "train.grad-clip"),
        positiveLong(c, "train.checkpoint-every"),
        c.hasPath("train.loss-chunk") ? positiveInt(c, "train.loss-chunk") : io.skillmix.model.ChunkedHead.DEFAULT_CHUNK,
        c.hasPath("train.activation-checkpointing") && c.getBoolean("train.activation-checkpointing"));
    int packLength = packLength(c);
    if (c.getBoolean("train.packing")) {
      train = train.packed(packLength);
    }
    if (train.batchSize() % train.microBatchSize() != 0) {
      throw new UserError("train.batch-size (" + train.batchSize()
          + ") must be a multiple of train.micro-batch-size (" + train.microBatchSize() + ")");
    }
    List<DatasetSpec> datasets = new ArrayList<>();
    List<? extends Config> entries = c.getConfigList("data.datasets");
    for (int i = 0; i < entries.size(); i++) {
      datasets.add(DatasetSpecs.read(entries.get(i), i));
    }
    Data data = new Data(datasets, c.getStringList("data.only"), c.getString("data.on-error"), positiveInt(c, "data.builtin.total"),
        fraction(c, "data.builtin.held-out"), positiveInt(c, "data.max-length"),
        oneOf(c, "data.overlength", "truncate", "skip"), positiveInt(c, "data.prefetch-steps"),
        Path.of(c.getString("data.cache-dir")), devFraction(c), c.getDouble("data.builtin.noise"));
    if (datasets.isEmpty()) {
      io.skillmix.data.builtin.BuiltinMix.check(data.builtinTotal(), data.builtinHeldOut(), data.builtinNoise());
    }

    MixSettings mix = readMix(c, data, wholeNumber(c, "seed"));
    readLora(c); // read here so a bad value fails with the key; see lora()
    wholeNumber(c, "data.order-seed"); // read here so a bad value fails with the key; see orderSeed()
    nonNegativeInt(c, "devices.threads"); // likewise; see learnerThreads() and evaluatorThreads()
    nonNegativeInt(c, "devices.evaluator-threads");
    nonNegativeInt(c, "eval.every"); // likewise; see evaluating()
    positiveInt(c, "eval.every-examples");
    TrainingLength.check(c); // train.epochs and data.max-repeats-warning, named if bad
    return new RunSettings(wholeNumber(c, "seed"), runDir, c.getBoolean("run.overwrite"),
        c.getBoolean("run.progress"), c.getString("model.preset"),
        modelPath.isEmpty() ? null : Path.of(modelPath), c.getString("model.chat-template"),
        c.getString("devices.learner"), c.getString("devices.evaluator"), train, data, mix,
        new Checkpointing(train.checkpointEvery(), positiveInt(c, "train.keep-checkpoints"),
            positiveInt(c, "train.max-bad-steps"), positiveDuration(c, "train.checkpoint-timeout")), c);
  }

  /** model.path, or the shipped folder of a pretrained model.preset (tiny-english) when it is empty. */
  static String modelPath(Config c) {
    String path = c.getString("model.path");
    String preset = c.getString("model.preset");
    return path.isEmpty() && PretrainedPresets.isPretrained(preset) ? PretrainedPresets.folder(preset).toString() : path;
  }

  private static double devFraction(Config c) {
    double f = c.getDouble("data.dev-fraction");
    if (!(f > 0 && f < 1)) {
      throw new UserError("data.dev-fraction = " + f + " must be in (0, 1): every dataset needs a dev split");
    }
    return f;
  }

  /** {@code train.pack-length}: tokens per packed row, 0 for the step's longest example. */
  private static int packLength(Config c) {
    int length = nonNegativeInt(c, "train.pack-length"); // checked even when packing is off
    if (length == 1) {
      throw new UserError("train.pack-length = 1 cannot hold an example; give at least 2, or 0 for data.max-length");
    }
    return length;
  }

  /**
   * {@code mix.*}: the policy of {@code mix.method} reads its own keys, checked against the run's
   * datasets (those of {@code data.only} when it names some).
   */
  private static MixSettings readMix(Config c, Data data, long seed) {
    List<String> names = data.datasets().isEmpty()
        ? io.skillmix.data.builtin.BuiltinMix.names(data.builtinNoise())
        : data.datasets().stream().map(DatasetSpec::name).toList();
    List<String> run = data.only().isEmpty() ? names : names.stream().filter(data.only()::contains).toList();
    return MixSettings.read(new ConfigSection(c, "mix"), run.isEmpty() ? names : run, data.datasets().isEmpty(), seed);
  }

  /**
   * Seed of the data order only (each dataset's shuffles and reward draws, the learner's mixture
   * draws): {@code data.order-seed}, or {@link #seed} when it is -1. Runs that differ only in it
   * start from the same model and see the same data split in different orders.
   */
  public long orderSeed() {
    long orderSeed = config.getLong("data.order-seed");
    return orderSeed == -1 ? seed : orderSeed;
  }

  /**
   * Evaluation during training.
   *
   * @param every steps between evaluations ({@code eval.every}); 0: none
   * @param examples examples (questions, problems) per task at most ({@code eval.every-examples})
   */
  public record Evaluating(int every, int examples) {}

  public Evaluating evaluating() {
    return new Evaluating(config.getInt("eval.every"), config.getInt("eval.every-examples"));
  }

  /** LoRA ({@code model.lora.*}): {@link LoraSettings#OFF} when the rank is 0. */
  public LoraSettings lora() {
    return readLora(config);
  }

  private static LoraSettings readLora(Config c) {
    if (!c.hasPath("model.lora")) {
      return LoraSettings.OFF;
    }
    int rank = nonNegativeInt(c, "model.lora.rank");
    double alpha = positive(c, "model.lora.alpha");
    double dropout = fraction(c, "model.lora.dropout");
    List<String> targets = c.getStringList("model.lora.targets");
    if (rank > 0 && targets.isEmpty()) {
      throw new UserError("model.lora.targets is empty; name the projections to adapt, e.g. [q_proj, v_proj]");
    }
    return new LoraSettings(rank, alpha, dropout, targets);
  }

  /** Torch intra-op threads of the learner: {@code devices.threads}, or the JVM's count when 0. */
  public int learnerThreads() {
    int n = config.getInt("devices.threads");
    return n > 0 ? n : TorchThreads.startup();
  }

  /**
   * Torch intra-op threads of the reward evaluator: {@code devices.evaluator-threads}; when 0, half
   * the learner's (at least one) if both compute on the CPU while training goes on (lagged, free),
   * else the learner's. Two full sets of threads on the same cores lose time fighting for them: on 2
   * cores a 2-thread evaluator made a lagged run 1.14 × plain training, a 1-thread one 1.02 × (the
   * mix benchmark, docs/BENCHMARKS.md). In sync mode the learner waits anyway, so the evaluator
   * gets them all.
   */
  public int evaluatorThreads() {
    int n = config.getInt("devices.evaluator-threads");
    if (n > 0) {
      return n;
    }
    boolean sharesCores = Devices.isCpu(learnerDevice) && Devices.isCpu(evaluatorDevice)
        && mix.apply() != ApplyMode.SYNC;
    return sharesCores ? Math.max(1, learnerThreads() / 2) : learnerThreads();
  }

  /** The same settings with {@code steps} optimizer steps (from {@code train.epochs}, once the data is read). */
  RunSettings withSteps(long steps) {
    return new RunSettings(seed, runDir, overwrite, progress, preset, modelPath, chatTemplate, learnerDevice,
        evaluatorDevice, train.withSteps(steps), data, mix, checkpointing, config);
  }

  /** {@code model.system-prompt}: auto (the template's own default) or the system message of every conversation. */
  public String systemPrompt() {
    return config.getString("model.system-prompt");
  }

  /** Dataset names in order: the configured files, or the built-in skill mix (with its noise set, if any). */
  public List<String> datasetNames() {
    if (data.datasets().isEmpty()) {
      return io.skillmix.data.builtin.BuiltinMix.names(data.builtinNoise());
    }
    return data.datasets().stream().map(DatasetSpec::name).toList();
  }

}
