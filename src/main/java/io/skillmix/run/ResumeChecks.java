package io.skillmix.run;

import io.skillmix.metrics.ResumePoint;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import io.skillmix.UserError;
import io.skillmix.checkpoint.CheckpointState;
import io.skillmix.checkpoint.StateJson;
import io.skillmix.config.ConfigLoader;
import io.skillmix.mix.MixtureScorer;
import io.skillmix.output.RunFolder;
import io.skillmix.model.ModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** What a resume may change of a run, and whether a checkpoint fits the run it is to continue. */
final class ResumeChecks {

  /**
   * Keys a resume may set: how long and where it runs, how often it checkpoints, how it shows
   * progress. Everything else (the seed, the model, the data, the mixture method, reward, scorer,
   * EMA, apply mode, the optimizer's settings) makes another run, and is refused.
   */
  private static final List<String> MAY_CHANGE = List.of("train.steps", "train.epochs", "train.checkpoint-every",
      "train.keep-checkpoints", "train.max-bad-steps", "run.", "devices.", "cluster.", "mix.update-timeout",
      "data.prefetch-steps", "data.cache-dir", "data.datasets", "eval.");

  /**
   * Keys added since a run may have been recorded, each with the value that keeps such a run what
   * it was: {@code mix.batch-mixing} came with per-example mixing, and runs before it drew one
   * dataset per step.
   */
  private static final Map<String, String> ADDED_SINCE = Map.of("mix.batch-mixing", "batch");

  private ResumeChecks() {}

  /**
   * The {@code key=value} settings a run recorded before a key existed resumes with (see
   * {@link #ADDED_SINCE}): applied under the resume's own overrides, so changing them is refused
   * like any other change.
   */
  static List<String> keptFromBefore(Path configFile) {
    Config written = com.typesafe.config.ConfigFactory.parseFile(configFile.toFile());
    List<String> kept = new ArrayList<>();
    for (Map.Entry<String, String> e : new java.util.TreeMap<>(ADDED_SINCE).entrySet()) {
      if (!written.hasPath(e.getKey())) {
        kept.add(e.getKey() + "=" + e.getValue());
      }
    }
    return kept;
  }

  /**
   * The overrides a resume takes ({@code key=value}, in key order), or a refusal naming the first
   * key whose change would give another run. {@code data.datasets} may change (a moved file): the
   * data itself is compared by content, see {@link #sameData}.
   */
  static List<String> changedKeys(Config recorded, Config resumed) {
    TreeSet<String> keys = new TreeSet<>();
    for (String root : ConfigLoader.ROOTS) {
      for (Config c : List.of(recorded, resumed)) {
        if (c.hasPath(root)) {
          c.withOnlyPath(root).entrySet().forEach(e -> keys.add(e.getKey()));
        }
      }
    }
    List<String> taken = new ArrayList<>();
    for (String key : keys) {
      String before = render(recorded, key);
      String after = render(resumed, key);
      if (before.equals(after)) {
        continue;
      }
      if (MAY_CHANGE.stream().noneMatch(p -> p.endsWith(".") ? key.startsWith(p) : key.equals(p) || key.startsWith(p + "."))) {
        throw new UserError("resume cannot change " + key + " (" + before + " -> " + after + "): it would"
            + " make another run; start a new run (another run.dir) for that");
      }
      taken.add(key + "=" + after);
    }
    return taken;
  }

  private static String render(Config c, String key) {
    if (!c.hasPathOrNull(key)) {
      return "(unset)";
    }
    ConfigValue v = c.getValue(key);
    return v.render(com.typesafe.config.ConfigRenderOptions.concise());
  }

  /** Refuses a checkpoint this configuration cannot continue: another model shape, other datasets. */
  static void checkpointFits(RunPreparation.Resume resume, ModelConfig modelConfig, List<String> names,
      RunSettings settings) {
    ModelConfig saved = ModelConfig.read(resume.checkpoint().resolve("model/config.json"));
    if (!shape(saved).equals(shape(modelConfig))) {
      throw new UserError(resume.checkpoint() + ": the checkpoint's model is " + shape(saved)
          + " but this configuration gives " + shape(modelConfig)
          + "; resume with the run's own model.preset / model.path");
    }
    if (!resume.state().datasetNames().equals(names)) {
      throw new UserError(resume.checkpoint() + ": the checkpoint has datasets " + resume.state().datasetNames()
          + " but this configuration has " + names + "; resume with the run's own data.datasets / data.only");
    }
    boolean learned = settings.mix().learned();
    String scorerJson = resume.state().component(CheckpointState.SCORER);
    if (learned != (scorerJson != null)) {
      throw new UserError(resume.checkpoint() + ": mix.method = " + settings.mix().method()
          + " does not match the checkpoint's; resume with the run's own mix.method");
    }
    if (learned) {
      MixtureScorer.checkPolicy(scorerJson, settings.mix().method(), resume.checkpoint().toString());
      settings.mix().plan().checkResumable(MixtureScorer.agentState(scorerJson), resume.checkpoint().toString());
    }
    if (resume.state().step() > settings.train().steps()) {
      throw new UserError(resume.checkpoint() + ": the checkpoint is at step " + resume.state().step()
          + ", past train.steps = " + settings.train().steps() + "; resume with train.steps of at least that");
    }
  }

  private static String shape(ModelConfig c) {
    return String.format("%s (vocab %d, hidden %d, intermediate %d, layers %d, heads %d/%d)", c.modelType(),
        c.vocabSize(), c.hiddenSize(), c.intermediateSize(), c.numLayers(), c.numHeads(), c.numKvHeads());
  }

  /** The datasets must hold the examples the run started with (by content), wherever they are now. */
  static void sameData(Path digestsFile, Map<String, String> now) {
    Map<String, String> then = RunPreparation.readDigests(digestsFile);
    if (then == null) {
      return; // a run from before digests were recorded
    }
    for (Map.Entry<String, String> e : now.entrySet()) {
      String recorded = then.get(e.getKey());
      if (recorded != null && !recorded.equals(e.getValue())) {
        throw new UserError("dataset '" + e.getKey() + "' does not hold the examples this run started with,"
            + " or splits them otherwise (its digest of training and held-out examples differs from " + digestsFile
            + "); resume with the run's own data files and held-out settings");
      }
    }
  }

  /**
   * Cuts {@code metrics.jsonl} and {@code weights.jsonl} back to the checkpoint. A log that is
   * gone is started afresh (its history before the checkpoint is lost, and the notice says so); one
   * shorter than at the checkpoint was edited, and the refusal says what to do.
   */
  static List<String> restoreLogs(Path runDir, CheckpointState state) {
    List<String> notices = new ArrayList<>();
    ResumePoint point = StateJson.read(state.component(CheckpointState.METRICS), ResumePoint.class, "the metrics");
    long metrics = point.metricsBytes();
    long weights = point.weightsBytes();
    for (String name : List.of(RunFolder.METRICS, RunFolder.WEIGHTS)) {
      Path file = runDir.resolve(name);
      if (!Files.exists(file)) {
        try {
          Files.createFile(file);
        } catch (IOException e) {
          throw new UserError(file + ": cannot create (" + e.getMessage() + ")");
        }
        notices.add("resume: " + file + " was missing; it starts again at step " + state.step()
            + " (the records before it are lost; the checkpoint itself is whole)");
        if (name.equals(RunFolder.METRICS)) {
          metrics = 0;
        } else {
          weights = 0;
        }
      }
    }
    new ResumePoint(metrics, weights).trim(runDir);
    return notices;
  }
}
