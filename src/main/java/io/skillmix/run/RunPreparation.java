package io.skillmix.run;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.reflect.TypeToken;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import io.skillmix.UserError;
import io.skillmix.checkpoint.CheckpointState;
import io.skillmix.checkpoint.Checkpoints;
import io.skillmix.cluster.Role;
import io.skillmix.config.ConfigLoader;
import io.skillmix.data.tokenizer.ExampleEncoder;
import io.skillmix.data.tokenizer.ChatTemplate;
import io.skillmix.data.tokenizer.Tokenizer;
import io.skillmix.output.AtomicFiles;
import io.skillmix.output.RunFolder;
import io.skillmix.output.RunLock;
import io.skillmix.model.Devices;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.LoraAdapters;
import io.skillmix.model.ModelConfig;
import io.skillmix.model.ModelFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything a run checks and prepares before an actor starts: the settings, the model folder, the
 * data, the devices, and the run folder (taken and locked for a new run; checked, trimmed and
 * locked for a resume). A user's mistake fails here in one line and leaves every file as it was.
 */
public final class RunPreparation {

  /** The checkpoint a resumed run continues from. */
  record Resume(Path checkpoint, CheckpointState state) {}

  /**
   * What the actors of a run are built from.
   *
   * @param resume null for a new run
   * @param lock the run folder's lock, held until the run ends; null where no run folder is used
   * @param notices lines for the user: which checkpoint a resume uses, which overrides it takes
   */
  public record Prepared(RunSettings settings, RunData data, ExampleEncoder encoder,
      ModelConfig modelConfig, Resume resume, RunLock lock, List<String> notices) {}

  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

  private RunPreparation() {}

  /** A new run: checks everything, then takes and locks the run folder and writes its config. */
  static Prepared newRun(Config config) {
    checkRunsHere(config);
    Config resolved = withAbsolutePaths(config);
    Prepared parts = parts(RunSettings.from(resolved));
    RunSettings settings = parts.settings(); // train.epochs turned into steps
    checkDevices(settings, Role.from(resolved));
    Path dir = settings.runDir();
    RunFolder.refuseUnlessTakeable(dir, settings.overwrite()); // before the lock creates anything there
    RunLock lock = RunLock.acquire(dir);
    try {
      RunFolder.takeForNewRun(dir, settings.overwrite());
      AtomicFiles.writeString(dir.resolve(RunFolder.CONFIG), ConfigLoader.render(settings.config()));
      AtomicFiles.writeString(dir.resolve(RunFolder.DATASETS), GSON.toJson(parts.data().digests()));
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
    List<String> notices = new ArrayList<>(startNotes(settings, parts.data()));
    String rate = AutoTraining.lr(resolved).notice();
    if (rate != null) {
      notices.add(0, rate);
    }
    return new Prepared(settings, parts.data(), parts.encoder(), parts.modelConfig(), null, lock,
        List.copyOf(notices));
  }

  /**
   * The config a resume of the run in {@code runDir} runs with: its recorded config, the keys it
   * was recorded without, then {@code overrides} (less run.dir: a resumed run stays where it is).
   * Read only: the serving nodes of a cluster run derive from it what its learner node resumes with.
   */
  public static Config resumedConfig(Path runDir, List<String> overrides, List<String> notices) {
    Path configFile = runDir.resolve(RunFolder.CONFIG);
    if (!Files.isRegularFile(configFile)) {
      throw new UserError(runDir + ": not a run folder (no " + RunFolder.CONFIG + "); give the folder of a run to resume");
    }
    List<String> taken = new ArrayList<>();
    for (String override : overrides) {
      if (override.trim().startsWith("run.dir=") || override.trim().startsWith("run.dir =")) {
        notices.add("resume: ignored " + override.trim() + " (a resumed run stays in " + runDir + ")");
      } else {
        taken.add(override);
      }
    }
    List<String> kept = ResumeChecks.keptFromBefore(configFile);
    for (String setting : kept) {
      notices.add("resume: " + setting + " (the run was recorded before that key existed)");
    }
    List<String> all = new ArrayList<>(kept);
    all.addAll(taken);
    all.add("run.dir=" + ConfigUtil.quoteString(runDir.toString()));
    return ConfigLoader.load(configFile, all);
  }

  /**
   * A resume of the run in {@code runDir}: locks it first, checks the overrides against the run's
   * own config (what changes the run's meaning is refused), the checkpoint against the model and
   * the data (by content), and only then trims the logs to the checkpoint and writes the config.
   */
  static Prepared resume(Path runDir, List<String> overrides) {
    Path configFile = runDir.resolve(RunFolder.CONFIG);
    if (Files.isDirectory(runDir) && !Files.isRegularFile(configFile)) {
      throw new UserError(runDir + ": not a run folder (no " + RunFolder.CONFIG + "); give the folder of a run to resume");
    }
    if (!Files.isDirectory(runDir)) {
      throw new UserError(runDir + ": no such run folder; give the folder of a run to resume");
    }
    RunLock lock = RunLock.acquire(runDir);
    try {
      List<String> notices = new ArrayList<>();
      Config recorded = resumedConfig(runDir, List.of(), new ArrayList<>());
      Config config = resumedConfig(runDir, overrides, notices);
      checkRunsHere(config);
      List<String> changed = ResumeChecks.changedKeys(recorded, config);
      Prepared parts = parts(RunSettings.from(config));
      RunSettings settings = parts.settings();
      checkDevices(settings, Role.from(config));
      Checkpoints store = new Checkpoints(runDir, 1);
      Path checkpoint = store.latest().orElseThrow(() -> new UserError(runDir
          + ": no complete checkpoint under checkpoints/ to resume from; start a new run instead"));
      for (Path damaged : store.damagedAfter(Checkpoints.stepOf(checkpoint))) {
        notices.add("resume: skipped " + damaged + " (incomplete or damaged: its manifest is missing or does not match)");
      }
      CheckpointState state = CheckpointState.read(checkpoint);
      Resume resume = new Resume(checkpoint, state);
      ResumeChecks.checkpointFits(resume, parts.modelConfig(), parts.data().names(), settings);
      ResumeChecks.sameData(runDir.resolve(RunFolder.DATASETS), parts.data().digests());
      notices.addAll(ResumeChecks.restoreLogs(runDir, state));
      if (AtomicFiles.deleteLeftovers(runDir.resolve(RunFolder.FINAL)) > 0) {
        notices.add("resume: removed the unfinished " + RunFolder.FINAL + " of the interrupted run");
      }
      notices.addAll(startNotes(settings, parts.data()));
      AtomicFiles.writeString(configFile, ConfigLoader.render(settings.config()));
      notices.add("resume: from " + checkpoint + " (step " + state.step() + " of " + settings.train().steps() + ")"
          + (changed.isEmpty() ? "" : "; taking " + String.join(", ", changed)));
      return new Prepared(settings, parts.data(), parts.encoder(), parts.modelConfig(),
          resume, lock, List.copyOf(notices));
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /** Reads and checks what every node of a run needs, without touching the run folder. */
  public static Prepared parts(RunSettings settings) {
    ModelConfig modelConfig;
    if (settings.modelPath() == null) {
      modelConfig = ModelConfig.preset(settings.preset());
    } else {
      LanguageModel.check(settings.modelPath());  // refuse a bad folder before the run folder exists
      modelConfig = ModelConfig.read(settings.modelPath().resolve("config.json"));
    }
    LoraAdapters.check(modelConfig, settings.lora()); // model.lora.targets against the family
    StepMemory.check(settings, modelConfig); // before the data loads: a step that cannot fit is refused now
    Tokenizer tokenizer = ModelFolder.tokenizer(settings.modelPath());
    ModelFolder.checkVocabulary(tokenizer, modelConfig, settings.modelPath());
    ChatTemplate template = ChatTemplate.resolve(settings.chatTemplate(), settings.modelPath(), settings.systemPrompt());
    ExampleEncoder encoder = new ExampleEncoder(template, tokenizer, settings.data().maxLength(),
        ExampleEncoder.Overlength.parse(settings.data().overlength()));
    RunData data = RunData.load(settings);
    RunSettings sized = TrainingLength.sized(settings, data);
    checkSomethingFits(data, encoder, sized);
    checkSomethingTrains(data, encoder);
    return new Prepared(sized, data, encoder, modelConfig, null, null, List.of());
  }

  /**
   * What a run says about its data before the first step: records left out, samples, dev carves,
   * the steps {@code train.epochs} gave, and datasets the run will repeat many times over.
   */
  static List<String> startNotes(RunSettings settings, RunData data) {
    List<String> notes = new ArrayList<>(data.notes());
    String steps = TrainingLength.stepsNote(settings, data);
    if (steps != null) {
      notes.add(steps);
    }
    notes.addAll(TrainingLength.repeatWarnings(settings, data));
    String few = UpdateCount.warning(settings);
    if (few != null) {
      notes.add(few);
    }
    return notes;
  }

  /**
   * With {@code data.overlength = skip}, a dataset whose every example is too long would leave its
   * actor nothing to serve: refuse it now. Stops at the first example that fits.
   */
  private static void checkSomethingFits(RunData data, ExampleEncoder encoder, RunSettings settings) {
    if (!settings.data().overlength().equals("skip")) {
      return;
    }
    ExampleEncoder probe = new ExampleEncoder(encoder.template(), encoder.tokenizer(), settings.data().maxLength(),
        ExampleEncoder.Overlength.SKIP);
    for (RunData.Set set : data.sets()) {
      boolean fits = set.train().stream().anyMatch(c -> probe.apply(c) != null);
      if (!fits) {
        throw new UserError("dataset '" + set.name() + "': every one of its " + set.train().size()
            + " training examples is longer than data.max-length = " + settings.data().maxLength()
            + " tokens, and data.overlength = skip leaves none; raise data.max-length or set data.overlength = truncate");
      }
    }
  }

  /** How many training examples of a dataset are encoded, at most, to find one that trains. */
  static final int TRAINS_PROBE = 256;

  /**
   * A dataset none of whose examples has a token to train on would train on nothing (a template
   * that empties the messages, or whose {@code {% generation %}} blocks never write): 0 tokens,
   * loss 0.0 and exit 0 is no result. Refused before anything starts. Encodes until the first
   * example that trains, at most {@link #TRAINS_PROBE} of them: exact for smaller datasets.
   */
  private static void checkSomethingTrains(RunData data, ExampleEncoder encoder) {
    ExampleEncoder probe = new ExampleEncoder(encoder.template(), encoder.tokenizer(),
        encoder.maxLength(), ExampleEncoder.Overlength.TRUNCATE);
    for (RunData.Set set : data.sets()) {
      List<io.skillmix.data.Conversation> examples = set.train();
      int n = Math.min(examples.size(), TRAINS_PROBE);
      UserError firstFailure = null;
      boolean trains = false;
      for (int i = 0; i < n && !trains; i++) {
        try {
          trains = io.skillmix.model.SftLoss.countedTokens(probe.apply(examples.get(i))) > 0;
        } catch (UserError e) { // a bad example is the dataset actor's to report or skip
          firstFailure = firstFailure == null ? e : firstFailure;
        }
      }
      if (n > 0 && !trains) {
        throw new UserError("dataset '" + set.name() + "': " + (n == examples.size() ? "none of its "
            + n : "none of its first " + n) + " training examples has a token to train on with the chat"
            + " template " + encoder.template().configName() + (firstFailure == null
                ? " (it marks no assistant text in them)" : " (the first failed: " + firstFailure.getMessage()
                    + ")") + "; a run with no trained token learns nothing: check the template's"
            + " {% generation %} blocks and that the examples have assistant turns");
      }
    }
  }

  /**
   * The devices this JVM computes on must exist here: the learner's in roles all and learner, the
   * evaluator's in role all when the mixture is learned. (An evaluator node checks its own.)
   */
  static void checkDevices(RunSettings settings, Role role) {
    io.skillmix.cluster.ClusterSettings.from(settings.config()); // cluster.snapshot-chunk-bytes, named if bad
    Devices.parse("devices.learner", settings.learnerDevice());
    if (role == Role.ALL && settings.mix().learned() && settings.mix().plan().usesEvaluator()) {
      Devices.parse("devices.evaluator", settings.evaluatorDevice());
    }
  }

  /** A training job runs in a JVM of role all or learner; the others serve (`skillmix node`). */
  static void checkRunsHere(Config config) {
    Role role = Role.from(config);
    if (role == Role.EVALUATOR || role == Role.DATA) {
      throw new UserError("cluster.role = " + role.key() + " does not run a training job; start that node with"
          + " `skillmix node --role " + role.key() + "` and the job on a node of role learner (or all)");
    }
    if (role == Role.LEARNER && !"cluster".equals(config.getString("pekko.actor.provider"))) {
      throw new UserError("cluster.role = learner needs pekko.actor.provider = cluster; give the node a"
          + " cluster config such as --config cluster-conf/learner.conf (a cluster run resumes with"
          + " scripts/cluster-local --resume RUN_DIR, or `skillmix node --role ROLE --resume RUN_DIR` on every"
          + " node; cluster.role=all resumes it in one JVM)");
    }
  }

  /**
   * The config with its file paths made absolute (model.path, every data.datasets path,
   * data.cache-dir), so that the run's config.conf means the same from any working directory.
   */
  static Config withAbsolutePaths(Config config) {
    Config out = config;
    String model = config.getString("model.path");
    if (!model.isEmpty()) {
      out = out.withValue("model.path", ConfigValueFactory.fromAnyRef(absolute(model)));
    }
    out = out.withValue("data.cache-dir", ConfigValueFactory.fromAnyRef(absolute(config.getString("data.cache-dir"))));
    List<ConfigValue> datasets = new ArrayList<>();
    for (ConfigValue entry : config.getList("data.datasets")) {
      if (entry instanceof ConfigObject object && object.containsKey("path")
          && object.get("path").unwrapped() instanceof String path) {
        datasets.add(object.withValue("path", ConfigValueFactory.fromAnyRef(absolute(path))));
      } else {
        datasets.add(entry);
      }
    }
    return out.withValue("data.datasets", ConfigValueFactory.fromIterable(datasets));
  }

  private static String absolute(String path) {
    return Path.of(path).toAbsolutePath().normalize().toString();
  }

  /** The digests a run recorded at its start, or null for a run from before they were recorded. */
  static Map<String, String> readDigests(Path file) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      return GSON.fromJson(Files.readString(file), new TypeToken<Map<String, String>>() {}.getType());
    } catch (IOException | com.google.gson.JsonParseException e) {
      throw new UserError(file + ": cannot read the run's dataset digests (" + e.getMessage()
          + "); it is written at the start of a run and must not be edited");
    }
  }
}
