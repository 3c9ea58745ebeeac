package io.skillmix.run;

import com.typesafe.config.Config;
import io.skillmix.UserError;
import io.skillmix.checkpoint.CheckpointState;
import io.skillmix.checkpoint.Checkpoints;
import io.skillmix.cluster.ClusterSettings;
import io.skillmix.cluster.NodeSystem;
import io.skillmix.cluster.Role;
import io.skillmix.cluster.RunId;
import io.skillmix.config.ConfigLoader;
import io.skillmix.data.DatasetActor;
import io.skillmix.data.ExampleEncoder;
import io.skillmix.data.tokenizer.ChatTemplate;
import io.skillmix.data.tokenizer.Tokenizer;
import io.skillmix.learn.Learner;
import io.skillmix.learn.Trainer;
import io.skillmix.mix.MixtureSampler;
import io.skillmix.mix.MixtureScorer;
import io.skillmix.mix.ModelRewards;
import io.skillmix.mix.Prior;
import io.skillmix.mix.RewardEma;
import io.skillmix.mix.RewardEvaluator;
import io.skillmix.mix.Scorer;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelConfig;
import io.skillmix.model.ModelFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * The guardian of a training run: reads the configuration, spawns and wires the dataset actors,
 * the metrics sink, the scorer, the reward evaluator and the learner, and when the learner is
 * done writes the report and plots and stops everything.
 */
public final class TrainingRun extends AbstractBehavior<TrainingRun.Command> {

  public sealed interface Command {}

  private record LearnerDone(Learner.Outcome outcome) implements Command {}

  private record HistoryReady(RunHistory history) implements Command {}

  private record LearnerStopped() implements Command {}

  private enum StopRequested implements Command { INSTANCE }

  private record DatasetStopped(String name) implements Command {}

  /** A learner node hears who has registered with the cluster receptionist. */
  private record Listed(Receptionist.Listing listing) implements Command {}

  /** The other roles did not all register within cluster.wait-for-roles. */
  private enum WaitedTooLong implements Command { INSTANCE }

  /** Restarts a dataset actor may use a minute before the run gives up on it. */
  static final int DATASET_RESTARTS = 3;

  /**
   * What a finished run returns to the command line.
   *
   * @param stopped the run was stopped on request before its last step (no report then)
   * @param checkpoint the last checkpoint written, or null
   */
  public record Outcome(Path runDir, long steps, double[] probabilities, List<String> datasets,
      RunHistory history, boolean stopped, Path checkpoint) {}

  /** A run in progress in this JVM. */
  public static final class Handle {
    private final ActorSystem<Command> system;
    private final CompletableFuture<Outcome> result;

    private Handle(ActorSystem<Command> system, CompletableFuture<Outcome> result) {
      this.system = system;
      this.result = result;
    }

    /** Asks the run to finish its current step, write a checkpoint and stop. */
    public void requestStop() {
      system.tell(StopRequested.INSTANCE);
    }

    /** Waits for the run to end; its error, if it failed. */
    public Outcome await() {
      try {
        system.getWhenTerminated().toCompletableFuture().get();
        if (!result.isDone()) {
          result.completeExceptionally(new IllegalStateException("the run stopped before finishing"));
        }
        return result.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        system.terminate();
        throw new IllegalStateException("interrupted", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        throw new IllegalStateException(e.getCause());
      }
    }
  }

  /** The checkpoint a resumed run continues from. */
  private record Resume(Path checkpoint, CheckpointState state) {}

  /** Dispatcher with one thread per actor, for the actors that run DJL (the learner, the evaluator). */
  public static final String PINNED = "skillmix-dispatchers.pinned";

  /** Everything checked and read before an actor starts, so a user's mistake fails early. */
  record Prepared(RunSettings settings, RunData data, ExampleEncoder encoder,
      ModelConfig modelConfig, int specialist, Resume resume) {}

  /** Runs a whole training job in this JVM and returns when it has ended. */
  public static Outcome run(Config config) {
    return start(config).await();
  }

  /** Starts a new run in this JVM. */
  public static Handle start(Config config) {
    checkRunsHere(config);
    return launch(prepare(RunSettings.from(config), null), config);
  }

  /**
   * Continues the run in {@code runDir} from its newest complete checkpoint, with its recorded
   * configuration and {@code overrides} on top. {@code metrics.jsonl} and {@code weights.jsonl} are
   * cut back to the checkpoint, then appended to.
   */
  public static Handle resume(Path runDir, List<String> overrides) {
    Path configFile = runDir.resolve("config.conf");
    if (!Files.isRegularFile(configFile)) {
      throw new UserError(runDir + ": not a run folder (no config.conf); give the folder of a run to resume");
    }
    Path checkpoint = new Checkpoints(runDir, 1).latest().orElseThrow(() -> new UserError(runDir
        + ": no complete checkpoint under checkpoints/ to resume from; start a new run instead"));
    List<String> all = new ArrayList<>(overrides);
    all.add("run.dir=" + com.typesafe.config.ConfigUtil.quoteString(runDir.toString()));
    Config config = ConfigLoader.load(configFile, all);
    checkRunsHere(config);
    CheckpointState state = CheckpointState.read(checkpoint);
    return launch(prepare(RunSettings.from(config), new Resume(checkpoint, state)), config);
  }

  /** A training job runs in a JVM of role all or learner; the others serve (`skillmix node`). */
  private static void checkRunsHere(Config config) {
    Role role = Role.from(config);
    if (role == Role.EVALUATOR || role == Role.DATA) {
      throw new UserError("cluster.role = " + role.key() + " does not run a training job; start that node with"
          + " `skillmix node --role " + role.key() + "` and the job on a node of role learner (or all)");
    }
    if (role == Role.LEARNER && !"cluster".equals(config.getString("pekko.actor.provider"))) {
      throw new UserError("cluster.role = learner needs pekko.actor.provider = cluster; give the node a"
          + " cluster config such as --config cluster-conf/learner.conf");
    }
  }

  private static Handle launch(Prepared prepared, Config config) {
    CompletableFuture<Outcome> result = new CompletableFuture<>();
    Behavior<Command> guardian = Role.from(config) == Role.LEARNER
        ? findPeers(prepared, config, result)
        : Behaviors.setup(context -> new TrainingRun(context, prepared, result, null));
    ActorSystem<Command> system = NodeSystem.create(guardian, config);
    return new Handle(system, result);
  }

  /** The actors a learner node uses on other nodes, found through the receptionist. */
  private record Peers(Map<String, ActorRef<DatasetActor.Command>> datasets,
      ActorRef<EvaluatorNode.Command> evaluator) {}

  /**
   * A learner node first waits, at most {@code cluster.wait-for-roles}, until a data node has
   * registered every dataset of the run and (for a learned mixture) an evaluator node its host;
   * then it runs as in one JVM with those actors.
   */
  private static Behavior<Command> findPeers(Prepared prepared, Config config, CompletableFuture<Outcome> result) {
    Duration wait = Role.waitForRoles(config);
    boolean needsEvaluator = prepared.settings().mix().learned();
    List<String> names = prepared.data().names();
    String runId = RunId.of(config);
    ServiceKey<EvaluatorNode.Command> evaluatorKey = EvaluatorNode.key(runId);
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      NodeSystem.onRefusedJoin(context.getSystem(), result::completeExceptionally);
      ActorRef<Receptionist.Listing> adapter = context.messageAdapter(Receptionist.Listing.class, Listed::new);
      for (String name : names) {
        context.getSystem().receptionist().tell(Receptionist.subscribe(DataNode.key(runId, name), adapter));
      }
      if (needsEvaluator) {
        context.getSystem().receptionist().tell(Receptionist.subscribe(evaluatorKey, adapter));
      }
      timers.startSingleTimer(WaitedTooLong.INSTANCE, wait);
      Map<String, ActorRef<DatasetActor.Command>> found = new LinkedHashMap<>();
      List<ActorRef<EvaluatorNode.Command>> evaluator = new ArrayList<>(1);
      return Behaviors.receive(Command.class)
          .onMessage(Listed.class, listed -> {
            Receptionist.Listing listing = listed.listing();
            for (String name : names) {
              ServiceKey<DatasetActor.Command> key = DataNode.key(runId, name);
              if (listing.isForKey(key)) {
                listing.getServiceInstances(key).stream().findFirst().ifPresent(ref -> found.put(name, ref));
              }
            }
            if (listing.isForKey(evaluatorKey)) {
              evaluator.clear();
              listing.getServiceInstances(evaluatorKey).stream().findFirst().ifPresent(evaluator::add);
            }
            if (found.size() < names.size() || (needsEvaluator && evaluator.isEmpty())) {
              return Behaviors.same();
            }
            timers.cancel(WaitedTooLong.INSTANCE);
            Map<String, ActorRef<DatasetActor.Command>> datasets = new LinkedHashMap<>();
            names.forEach(name -> datasets.put(name, found.get(name)));
            Peers peers = new Peers(datasets, needsEvaluator ? evaluator.get(0) : null);
            return new TrainingRun(context, prepared, result, peers);
          })
          .onMessageEquals(WaitedTooLong.INSTANCE, () -> {
            List<String> missing = new ArrayList<>();
            if (found.size() < names.size()) {
              List<String> absent = new ArrayList<>(names);
              absent.removeAll(found.keySet());
              missing.add("data (datasets " + String.join(", ", absent) + ")");
            }
            if (needsEvaluator && evaluator.isEmpty()) {
              missing.add("evaluator");
            }
            result.completeExceptionally(new UserError("cluster: no node with role " + String.join(" and ", missing)
                + " registered within cluster.wait-for-roles = " + wait.toSeconds() + " s; start it with"
                + " `skillmix node --role ROLE` and the same run config, reachable through pekko.cluster.seed-nodes"
                + NodeSystem.otherRunsSeen(context.getSystem(), runId)));
            return Behaviors.stopped();
          })
          .build();
    }));
  }

  /** Reads and checks what every node of a run needs, without touching the run folder. */
  static Prepared prepareParts(RunSettings settings) {
    ModelConfig modelConfig;
    if (settings.modelPath() == null) {
      modelConfig = ModelConfig.preset(settings.preset());
    } else {
      LanguageModel.check(settings.modelPath());  // refuse a bad folder before the run folder exists
      modelConfig = ModelConfig.read(settings.modelPath().resolve("config.json"));
    }
    Tokenizer tokenizer = ModelFolder.tokenizer(settings.modelPath());
    if (tokenizer.vocabSize() > modelConfig.vocabSize()) {
      throw new UserError("the tokenizer has " + tokenizer.vocabSize() + " tokens but the model's"
          + " vocab_size is " + modelConfig.vocabSize() + "; use the tokenizer the model was trained with");
    }
    ChatTemplate template = ChatTemplate.resolve(settings.chatTemplate(), settings.modelPath());
    ExampleEncoder encoder = new ExampleEncoder(template, tokenizer, settings.data().maxLength(),
        ExampleEncoder.Overlength.parse(settings.data().overlength()));
    RunData data = RunData.load(settings);
    int specialist = specialistIndex(settings.mix().specialist(), data.names());
    return new Prepared(settings, data, encoder, modelConfig, specialist, null);
  }

  private static Prepared prepare(RunSettings settings, Resume resume) {
    Prepared parts = prepareParts(settings);
    if (resume == null) {
      prepareRunDir(settings);
    } else {
      checkResumable(resume, parts.modelConfig(), parts.data().names(), settings);
      resume.state().resumePoint().trim(settings.runDir());
      writeConfig(settings);
    }
    return new Prepared(settings, parts.data(), parts.encoder(), parts.modelConfig(), parts.specialist(), resume);
  }

  /** Refuses a checkpoint this configuration cannot continue: another model shape, other datasets. */
  private static void checkResumable(Resume resume, ModelConfig modelConfig, List<String> names,
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
    if (learned != (resume.state().scorer() != null)) {
      throw new UserError(resume.checkpoint() + ": mix.method = " + settings.mix().method()
          + " does not match the checkpoint's; resume with the run's own mix.method");
    }
    if (resume.state().step() > settings.train().steps()) {
      throw new UserError(resume.checkpoint() + ": the checkpoint is at step " + resume.state().step()
          + ", past train.steps = " + settings.train().steps());
    }
  }

  private static String shape(ModelConfig c) {
    return String.format("%s (vocab %d, hidden %d, intermediate %d, layers %d, heads %d/%d)", c.modelType(),
        c.vocabSize(), c.hiddenSize(), c.intermediateSize(), c.numLayers(), c.numHeads(), c.numKvHeads());
  }

  private static void writeConfig(RunSettings settings) {
    try {
      Files.writeString(settings.runDir().resolve("config.conf"), ConfigLoader.render(settings.config()),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UserError(settings.runDir() + ": cannot write config.conf (" + e.getMessage() + ")");
    }
  }

  private static void prepareRunDir(RunSettings settings) {
    Path dir = settings.runDir();
    try {
      if (!settings.overwrite() && ModelFolder.holdsFiles(dir)) {
        throw new UserError(dir + ": run folder exists; set run.dir to a new folder, or"
            + " run.overwrite = true to replace it");
      }
      if (Files.exists(dir) && settings.overwrite()) {
        for (String name : List.of("metrics.jsonl", "weights.jsonl", "report.md")) {
          Files.deleteIfExists(dir.resolve(name));
        }
      }
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("config.conf"), ConfigLoader.render(settings.config()),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UserError(dir + ": cannot prepare the run folder (" + e.getMessage() + ")");
    }
  }

  private final RunSettings settings;
  private final RunData data;
  private final CompletableFuture<Outcome> result;
  private final ActorRef<MetricsSink.Command> metrics;
  private final ExampleEncoder encoder;
  private Learner.Outcome learnerOutcome;
  private final ActorRef<Learner.Command> learner;
  /** Runs as a learner node, its other actors elsewhere. */
  private final boolean cluster;
  private boolean ending;

  /** @param peers the actors on other nodes (a learner node), or null: spawn them all here */
  private TrainingRun(ActorContext<Command> context, Prepared prepared,
      CompletableFuture<Outcome> result, Peers peers) {
    super(context);
    this.settings = prepared.settings();
    this.data = prepared.data();
    this.encoder = prepared.encoder();
    this.result = result;
    this.cluster = peers != null;
    ModelConfig modelConfig = prepared.modelConfig();
    List<String> names = data.names();
    Resume resume = prepared.resume();
    CheckpointState state = resume == null ? null : resume.state();
    long startStep = state == null ? 0 : state.step();

    metrics = context.spawn(MetricsSink.create(settings.runDir(), names,
        ProgressDisplay.create(settings.progress(), settings.train().steps(), startStep, names)), "metrics");

    Map<String, ActorRef<DatasetActor.Command>> datasets = peers != null ? peers.datasets()
        : spawnDatasets(context, prepared, fault -> metrics.tell(new MetricsSink.Note(-1, "dataset_restarted", fault)));
    for (int i = 0; i < names.size(); i++) {
      ActorRef<DatasetActor.Command> dataset = datasets.get(names.get(i));
      if (state != null) {
        dataset.tell(new DatasetActor.Restore(state.datasets().get(i)));
      }
      context.watchWith(dataset, new DatasetStopped(names.get(i)));
    }

    RunSettings.Mix mix = settings.mix();
    double[] prior = Prior.of(mix.learned() ? "temp" : mix.method(), data.sizes(), mix.priorTemperature());
    ActorRef<RewardEvaluator.Command> evaluator = null;
    ActorRef<MixtureScorer.Command> scorer = null;
    if (mix.learned()) {
      Scorer policy = Scorer.create(mix.scorer(), names.size(), mix.scorerLr(), settings.seed());
      policy.warmStart(prior);
      prior = policy.probabilities();
      RewardEma ema = new RewardEma(names.size(), mix.emaAlpha(), mix.ema());
      if (state != null) {
        MixtureScorer.restore(state.scorer(), policy, ema);
      }
      scorer = context.spawn(MixtureScorer.create(new MixtureScorer.Settings(mix.scorerSteps(), mix.updateRule()),
          policy, ema, new ArrayList<>(datasets.values()), metrics), "scorer");
      if (peers != null) {
        // On another node: snapshots travel there in chunks (cluster.snapshot-chunk-bytes).
        int chunkBytes = ClusterSettings.from(context.getSystem().settings().config()).snapshotChunkBytes();
        evaluator = context.<Object>spawn(EvaluatorLink.create(peers.evaluator(), scorer, datasets, chunkBytes),
            "evaluator-link").narrow();
      } else {
        evaluator = context.spawn(evaluatorBehavior(prepared, datasets, scorer), "evaluator",
            DispatcherSelector.fromConfig(PINNED));
      }
    }
    double[] start = state == null ? prior : state.learner().probabilities();
    for (int i = 0; i < names.size(); i++) {
      datasets.get(names.get(i)).tell(new DatasetActor.SetProbability(start[i]));
    }
    Learner.Settings learnerSettings = new Learner.Settings(settings.train().steps(),
        settings.train().batchSize(), mix.learned() ? mix.updateEvery() : 0, mix.lagSteps(), mix.apply(),
        mix.updateTimeout(), settings.runDir().resolve("final"), settings.modelPath());
    RunSettings.Checkpointing checkpoints = settings.checkpointing();
    Learner.Checkpointing checkpointing = new Learner.Checkpointing(
        new Checkpoints(settings.runDir(), checkpoints.keep()), checkpoints.every(), checkpoints.maxBadSteps(), scorer);
    Learner.Resumed resumed = null;
    java.util.function.Supplier<Trainer> trainer = () -> Trainer.create(settings, modelConfig);
    if (state != null) {
      resumed = new Learner.Resumed(state.learner(), () -> {
        try (Trainer initial = Trainer.create(settings, modelConfig)) {
          return initial.snapshot(0);
        }
      });
      Path checkpoint = resume.checkpoint();
      trainer = () -> Trainer.restore(settings, modelConfig, checkpoint);
    }
    learner = context.spawn(
        Learner.create(learnerSettings, trainer, names, datasets,
            new MixtureSampler(start, settings.orderSeed()), evaluator, metrics, checkpointing, resumed),
        "learner", DispatcherSelector.fromConfig(PINNED));
    context.watchWith(learner, new LearnerStopped());
    if (scorer != null) {
      scorer.tell(new MixtureScorer.Subscribe(learner));
    }
    learner.tell(new Learner.Start(context.messageAdapter(Learner.Outcome.class, LearnerDone::new)));
  }

  /**
   * Spawns one supervised dataset actor per dataset of the run, seeded as in every layout, so a
   * data node serves the same batches as a single JVM.
   */
  static Map<String, ActorRef<DatasetActor.Command>> spawnDatasets(ActorContext<?> context, Prepared prepared,
      Consumer<String> onRestart) {
    RunSettings settings = prepared.settings();
    Map<String, ActorRef<DatasetActor.Command>> datasets = new LinkedHashMap<>();
    List<RunData.Set> sets = prepared.data().sets();
    for (int i = 0; i < sets.size(); i++) {
      RunData.Set set = sets.get(i);
      Behavior<DatasetActor.Command> behavior = DatasetActor.supervised(
          new DatasetActor.Settings(set.name(), settings.orderSeed() * 1_000_003L + i,
              settings.data().prefetchSteps()), set.train(), set.heldOut(), prepared.encoder(), DATASET_RESTARTS,
          onRestart);
      datasets.put(set.name(), context.spawn(behavior, "dataset-" + i, DispatcherSelector.blocking()));
    }
    return datasets;
  }

  /** The reward evaluator of a learned mixture, with its reward model on devices.evaluator. */
  static Behavior<RewardEvaluator.Command> evaluatorBehavior(Prepared prepared,
      Map<String, ActorRef<DatasetActor.Command>> datasets, ActorRef<MixtureScorer.Command> scorer) {
    RunSettings settings = prepared.settings();
    ModelConfig modelConfig = prepared.modelConfig();
    int target = prepared.specialist();
    RunSettings.Mix mix = settings.mix();
    return RewardEvaluator.create(() -> ModelRewards.create(settings, modelConfig, target),
        prepared.data().names(), datasets, mix.rewardBatchSize(), scorer, mix.updateTimeout());
  }

  private static int specialistIndex(String specialist, List<String> names) {
    if (specialist.isEmpty()) {
      return -1;
    }
    int index = names.indexOf(specialist);
    if (index < 0) {
      throw new UserError("mix.specialist = '" + specialist + "' is not a dataset of this run; use one of "
          + names);
    }
    return index;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(LearnerDone.class, this::onLearnerDone)
        .onMessage(HistoryReady.class, this::onHistory)
        .onMessage(LearnerStopped.class, this::onLearnerStopped)
        .onMessageEquals(StopRequested.INSTANCE, this::onStopRequested)
        .onMessage(DatasetStopped.class, this::onDatasetStopped)
        .build();
  }

  private Behavior<Command> onDatasetStopped(DatasetStopped stopped) {
    if (learnerOutcome != null) {
      return this; // the run is ending anyway
    }
    result.completeExceptionally(new IllegalStateException(cluster
        ? "dataset " + stopped.name() + " is gone: its data node stopped or was removed from the cluster"
            + " as unreachable; the run stops (resume it from its last checkpoint once the data node is back)"
        : "dataset " + stopped.name() + " failed more than " + DATASET_RESTARTS
            + " times in a minute; see the log above for its error"));
    return end();
  }

  /**
   * Ends the run. In one JVM the guardian stops, which ends the actor system. A learner node
   * leaves the cluster first (coordinated shutdown), so the serving nodes see it go at once.
   */
  private Behavior<Command> end() {
    if (!cluster) {
      return Behaviors.stopped();
    }
    if (!ending) {
      ending = true;
      CoordinatedShutdown.get(getContext().getSystem()).runAll(CoordinatedShutdown.unknownReason());
    }
    return this;
  }

  private Behavior<Command> onStopRequested() {
    learner.tell(Learner.RequestStop.INSTANCE);
    return this;
  }

  private Behavior<Command> onLearnerDone(LearnerDone done) {
    learnerOutcome = done.outcome();
    metrics.tell(new MetricsSink.Finish(getContext().messageAdapter(RunHistory.class, HistoryReady::new)));
    return this;
  }

  private Behavior<Command> onLearnerStopped(LearnerStopped stopped) {
    if (learnerOutcome == null) {
      result.completeExceptionally(new IllegalStateException(
          "the learner stopped unexpectedly; see the log above for its error"));
      return end();
    }
    return this;
  }

  private Behavior<Command> onHistory(HistoryReady ready) {
    try {
      if (learnerOutcome instanceof Learner.Failed failed) {
        result.completeExceptionally(failed.error());
        return end();
      }
      Learner.Finished finished = (Learner.Finished) learnerOutcome;
      RunHistory history = ready.history();
      if (!finished.stopped()) {
        Report.write(settings, data, history, encoder, finished);
      }
      result.complete(new Outcome(settings.runDir(), finished.steps(), finished.probabilities(),
          data.names(), history, finished.stopped(),
          finished.checkpoint() == null ? null : Path.of(finished.checkpoint())));
    } catch (IOException e) {
      result.completeExceptionally(new UncheckedIOException(e));
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
    }
    return end();
  }
}
