package io.skillmix.run;

import io.skillmix.learn.LearnerSettings;
import io.skillmix.learn.LearnerState;
import io.skillmix.metrics.RunHistory;
import io.skillmix.metrics.ProgressDisplay;
import io.skillmix.metrics.MetricsSink;
import io.skillmix.run.RunPreparation.Prepared;

import com.typesafe.config.Config;
import io.skillmix.UserError;
import io.skillmix.checkpoint.CheckpointState;
import io.skillmix.checkpoint.Checkpointer;
import io.skillmix.checkpoint.ComponentState;
import io.skillmix.checkpoint.StateJson;
import io.skillmix.output.RunFolder;
import io.skillmix.checkpoint.Checkpoints;
import io.skillmix.cluster.ClusterSettings;
import io.skillmix.cluster.NodeSystem;
import io.skillmix.cluster.Role;
import io.skillmix.cluster.RunId;
import io.skillmix.data.DatasetActor;
import io.skillmix.data.tokenizer.ExampleEncoder;
import io.skillmix.data.tokenizer.ChatTemplate;
import io.skillmix.data.tokenizer.Tokenizer;
import io.skillmix.learn.Learner;
import io.skillmix.learn.Trainer;
import io.skillmix.mix.MixtureSampler;
import io.skillmix.mix.MixtureScorer;
import io.skillmix.mix.MixSettings;
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
import org.apache.pekko.actor.typed.Props;
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

  /** A watched actor other than the learner and the datasets stopped (it failed, or was stopped). */
  private record ActorStopped(String name) implements Command {}

  /** A learner node's peer finder answered. */
  private record PeersAnswered(PeerFinder.Answer answer) implements Command {}

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
    private final List<String> notices;
    private final io.skillmix.output.RunLock lock;

    private Handle(ActorSystem<Command> system, CompletableFuture<Outcome> result, List<String> notices,
        io.skillmix.output.RunLock lock) {
      this.system = system;
      this.result = result;
      this.notices = notices;
      this.lock = lock;
    }

    /** What preparing the run has to tell the user (a resume's checkpoint and overrides). */
    public List<String> notices() {
      return notices;
    }

    /** Asks the run to finish its current step, write a checkpoint and stop. */
    public void requestStop() {
      system.tell(StopRequested.INSTANCE);
    }

    /** Waits for the run to end; its error, if it failed. */
    public Outcome await() {
      try {
        system.getWhenTerminated().toCompletableFuture().get();
        lock.close(); // the run folder is free once await returns
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

  /** Dispatcher with one thread per actor, for the actors that run DJL (the learner, the evaluator). */
  public static final String PINNED = "skillmix-dispatchers.pinned";

  /** Runs a whole training job in this JVM and returns when it has ended. */
  public static Outcome run(Config config) {
    return start(config).await();
  }

  /** Starts a new run in this JVM. */
  public static Handle start(Config config) {
    return start(config, ActorHooks.NONE);
  }

  /** Starts a new run whose actors are wrapped by {@code hooks} (tests inject faults so). */
  public static Handle start(Config config, ActorHooks hooks) {
    return start(config, hooks, null);
  }

  /**
   * Starts a new run; on a learner node ({@code cluster.role = learner}) {@code finder} finds the
   * run's actors on the other nodes (the command line passes the cluster's).
   */
  public static Handle start(Config config, ActorHooks hooks, PeerFinder finder) {
    return launch(RunPreparation.newRun(config), config, hooks, finder);
  }

  /**
   * Continues the run in {@code runDir} from its newest complete checkpoint, with its recorded
   * configuration and {@code overrides} on top. {@code metrics.jsonl} and {@code weights.jsonl} are
   * cut back to the checkpoint, then appended to.
   */
  public static Handle resume(Path runDir, List<String> overrides) {
    return resume(runDir, overrides, null);
  }

  /** As {@link #resume(Path, List)}; {@code finder} as for {@link #start(Config, ActorHooks, PeerFinder)}. */
  public static Handle resume(Path runDir, List<String> overrides, PeerFinder finder) {
    Prepared prepared = RunPreparation.resume(runDir, overrides);
    return launch(prepared, prepared.settings().config(), ActorHooks.NONE, finder);
  }

  private static PeerFinder requireFinder(PeerFinder finder) {
    if (finder == null) {
      throw new IllegalStateException("a learner node needs a peer finder (io.skillmix.cluster.node.ClusterPeers)");
    }
    return finder;
  }

  private static Handle launch(Prepared prepared, Config config, ActorHooks hooks, PeerFinder finder) {
    CompletableFuture<Outcome> result = new CompletableFuture<>();
    Behavior<Command> guardian = Role.from(config) == Role.LEARNER
        ? findingPeers(prepared, config, result, hooks, requireFinder(finder))
        : Behaviors.setup(context -> new TrainingRun(context, prepared, result, null, hooks));
    ActorSystem<Command> system;
    try {
      system = NodeSystem.create(guardian, config);
    } catch (RuntimeException e) {
      prepared.lock().close();
      throw e;
    }
    system.getWhenTerminated().whenComplete((done, error) -> prepared.lock().close());
    return new Handle(system, result, prepared.notices(), prepared.lock());
  }

  /**
   * A learner node first finds its run's actors on the other nodes, then runs as in one JVM with
   * them; a finder that gives up ends the run with its line.
   */
  private static Behavior<Command> findingPeers(Prepared prepared, Config config, CompletableFuture<Outcome> result,
      ActorHooks hooks, PeerFinder finder) {
    return Behaviors.setup(context -> {
      context.spawn(finder.find(prepared, config, context.messageAdapter(PeerFinder.Answer.class, PeersAnswered::new),
          result::completeExceptionally), "peers");
      return Behaviors.receive(Command.class)
          .onMessage(PeersAnswered.class, answered -> {
            if (answered.answer() instanceof PeerFinder.Found found) {
              return new TrainingRun(context, prepared, result, found.peers(), hooks);
            }
            result.completeExceptionally(((PeerFinder.NotFound) answered.answer()).error());
            return Behaviors.stopped();
          })
          .onMessageEquals(StopRequested.INSTANCE, () -> {
            result.completeExceptionally(new UserError("stopped before the run's other nodes were found"));
            return Behaviors.stopped();
          })
          .build();
    });
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
      CompletableFuture<Outcome> result, PeerFinder.Peers peers, ActorHooks hooks) {
    super(context);
    this.settings = prepared.settings();
    this.data = prepared.data();
    this.encoder = prepared.encoder();
    this.result = result;
    this.cluster = peers != null;
    ModelConfig modelConfig = prepared.modelConfig();
    List<String> names = data.names();
    RunPreparation.Resume resume = prepared.resume();
    CheckpointState state = resume == null ? null : resume.state();
    long startStep = state == null ? 0 : state.step();

    metrics = spawnWatched("metrics", hooks, MetricsSink.create(settings.runDir(), names,
        ProgressDisplay.create(settings.progress(), settings.train().steps(), startStep, names)), Props.empty());
    if (resume != null) {
      // The checkpoint's own event was written after its resume point, so the trim cut it: say
      // again which checkpoint the run goes on from.
      metrics.tell(new MetricsSink.Note(startStep, "checkpoint", resume.checkpoint().toString()));
      metrics.tell(new MetricsSink.Note(startStep, "resumed", "from " + resume.checkpoint()));
    }

    Map<String, ActorRef<DatasetActor.Command>> datasets = peers != null ? peers.datasets()
        : spawnDatasets(context, prepared, hooks,
            fault -> metrics.tell(new MetricsSink.Note(-1, "dataset_restarted", fault)));
    for (String name : names) {
      context.watchWith(datasets.get(name), new DatasetStopped(name));
    }

    MixSettings mix = settings.mix();
    double[] prior = Prior.of(mix.method(), data.sizes(), mix.priorTemperature());
    ActorRef<RewardEvaluator.Command> evaluator = null;
    ActorRef<MixtureScorer.Command> scorer = null;
    if (mix.learned()) {
      Scorer policy = Scorer.create(mix.scorer(), names.size(), mix.scorerLr(), settings.seed());
      policy.warmStart(prior);
      prior = policy.probabilities();
      RewardEma ema = new RewardEma(names.size(), mix.emaAlpha(), mix.ema());
      scorer = spawnWatched("scorer", hooks, MixtureScorer.create(new MixtureScorer.Settings(mix.scorerSteps(),
          mix.updateRule()), policy, ema, new ArrayList<>(datasets.values()), metrics), Props.empty());
      if (peers != null) {
        evaluator = spawnWatched("evaluator-link", hooks, peers.evaluator().apply(scorer), Props.empty()).narrow();
      } else {
        evaluator = spawnWatched("evaluator", hooks, evaluatorBehavior(prepared, datasets, scorer),
            DispatcherSelector.fromConfig(PINNED));
      }
    }
    List<Checkpointer.Participant> participants = new ArrayList<>();
    if (scorer != null) {
      ActorRef<MixtureScorer.Command> s = scorer;
      participants.add(new Checkpointer.Participant(CheckpointState.SCORER, r -> s.tell(new MixtureScorer.GetState(r))));
    }
    for (String name : names) {
      ActorRef<DatasetActor.Command> d = datasets.get(name);
      participants.add(new Checkpointer.Participant(ComponentState.dataset(name), r -> d.tell(new DatasetActor.GetState(r))));
    }
    participants.add(new Checkpointer.Participant(CheckpointState.METRICS, r -> metrics.tell(new MetricsSink.Mark(r))));
    ActorRef<Checkpointer.Command> checkpointer = spawnWatched("checkpointer", hooks,
        Checkpointer.create(names, participants, settings.checkpointing().timeout()), Props.empty());
    double[] start = prior;
    if (state != null) {
      restore(state, names, datasets, scorer);
      start = StateJson.read(state.component(CheckpointState.LEARNER), LearnerState.class, "the learner")
          .probabilities();
    }
    for (int i = 0; i < names.size(); i++) {
      datasets.get(names.get(i)).tell(new DatasetActor.SetProbability(start[i]));
    }
    LearnerSettings learnerSettings = new LearnerSettings(settings.train().steps(),
        settings.train().batchSize(), mix.learned() ? mix.updateEvery() : 0, mix.lagSteps(), mix.apply(),
        mix.updateTimeout(), settings.runDir().resolve(RunFolder.FINAL), settings.modelPath());
    RunSettings.Checkpointing checkpoints = settings.checkpointing();
    LearnerSettings.Checkpointing checkpointing = new LearnerSettings.Checkpointing(
        new Checkpoints(settings.runDir(), checkpoints.keep()), checkpoints.every(), checkpoints.maxBadSteps(),
        checkpointer);
    LearnerSettings.Resumed resumed = null;
    Trainer.Placement placement = new Trainer.Placement(settings.learnerDevice(), settings.learnerThreads());
    java.util.function.Supplier<Trainer> trainer = () -> Trainer.create(settings.train(), modelConfig,
        settings.modelPath(), settings.seed(), placement);
    if (state != null) {
      resumed = new LearnerSettings.Resumed(state.component(CheckpointState.LEARNER), () -> {
        try (Trainer initial = Trainer.create(settings.train(), modelConfig, settings.modelPath(), settings.seed(),
            placement)) {
          return initial.snapshot(0);
        }
      });
      Path checkpoint = resume.checkpoint();
      trainer = () -> Trainer.restore(settings.train(), modelConfig, checkpoint, placement);
    }
    learner = context.spawn(hooks.around("learner",
        Learner.create(learnerSettings, trainer, names, datasets, new MixtureSampler(start, settings.orderSeed()),
            evaluator, scorer, metrics, checkpointing, resumed)),
        "learner", DispatcherSelector.fromConfig(PINNED));
    context.watchWith(learner, new LearnerStopped());
    learner.tell(new Learner.Start(context.messageAdapter(Learner.Outcome.class, LearnerDone::new)));
  }

  /** Every actor that is not the learner or a dataset: spawned here, and its stop ends the run. */
  private <T> ActorRef<T> spawnWatched(String name, ActorHooks hooks, Behavior<T> behavior, Props props) {
    ActorRef<T> ref = getContext().spawn(hooks.around(name, behavior), name, props);
    getContext().watchWith(ref, new ActorStopped(name));
    return ref;
  }

  /** Each stateful actor gets its part of the checkpoint the same way: a Restore message of its JSON. */
  private static void restore(CheckpointState state, List<String> names,
      Map<String, ActorRef<DatasetActor.Command>> datasets, ActorRef<MixtureScorer.Command> scorer) {
    for (String name : names) {
      datasets.get(name).tell(new DatasetActor.Restore(state.component(ComponentState.dataset(name))));
    }
    if (scorer != null) {
      scorer.tell(new MixtureScorer.Restore(state.component(CheckpointState.SCORER)));
    }
  }

  /**
   * Spawns one supervised dataset actor per dataset of the run, seeded as in every layout, so a
   * data node serves the same batches as a single JVM.
   */
  public static Map<String, ActorRef<DatasetActor.Command>> spawnDatasets(ActorContext<?> context, Prepared prepared,
      Consumer<String> onRestart) {
    return spawnDatasets(context, prepared, ActorHooks.NONE, onRestart);
  }

  private static Map<String, ActorRef<DatasetActor.Command>> spawnDatasets(ActorContext<?> context,
      Prepared prepared, ActorHooks hooks, Consumer<String> onRestart) {
    RunSettings settings = prepared.settings();
    Map<String, ActorRef<DatasetActor.Command>> datasets = new LinkedHashMap<>();
    List<RunData.Set> sets = prepared.data().sets();
    for (int i = 0; i < sets.size(); i++) {
      RunData.Set set = sets.get(i);
      Behavior<DatasetActor.Command> behavior = DatasetActor.supervised(
          new DatasetActor.Settings(set.name(), settings.orderSeed() * 1_000_003L + i,
              settings.data().prefetchSteps()), set.train(), set.heldOut(), prepared.encoder(), DATASET_RESTARTS,
          onRestart);
      datasets.put(set.name(), context.spawn(hooks.around(ComponentState.dataset(set.name()), behavior),
          "dataset-" + i, DispatcherSelector.blocking()));
    }
    return datasets;
  }

  /** The reward evaluator of a learned mixture, with its reward model on devices.evaluator. */
  public static Behavior<RewardEvaluator.Command> evaluatorBehavior(Prepared prepared,
      Map<String, ActorRef<DatasetActor.Command>> datasets, ActorRef<MixtureScorer.Command> scorer) {
    RunSettings settings = prepared.settings();
    ModelConfig modelConfig = prepared.modelConfig();
    int target = prepared.specialist();
    MixSettings mix = settings.mix();
    return RewardEvaluator.create(() -> ModelRewards.create(mix, settings.evaluatorDevice(), settings.evaluatorThreads(),
        settings.seed(), modelConfig, target),
        prepared.data().names(), datasets, mix.rewardBatchSize(), scorer, mix.updateTimeout());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(LearnerDone.class, this::onLearnerDone)
        .onMessage(HistoryReady.class, this::onHistory)
        .onMessage(LearnerStopped.class, this::onLearnerStopped)
        .onMessageEquals(StopRequested.INSTANCE, this::onStopRequested)
        .onMessage(DatasetStopped.class, this::onDatasetStopped)
        .onMessage(ActorStopped.class, this::onActorStopped)
        .build();
  }

  private Behavior<Command> onDatasetStopped(DatasetStopped stopped) {
    if (learnerOutcome != null) {
      return this; // the run is ending anyway
    }
    result.completeExceptionally(new RunFailure(cluster
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
      return failed("the learner");
    }
    return this;
  }

  private Behavior<Command> onActorStopped(ActorStopped stopped) {
    if (learnerOutcome != null && stopped.name().equals("metrics")) {
      return this; // the run is ending: the sink has handed over its history
    }
    return failed("the " + stopped.name() + " actor");
  }

  /** The run ends at once, in one line: who stopped, the last complete checkpoint, how to go on. */
  private Behavior<Command> failed(String who) {
    if (result.isDone()) {
      return end();
    }
    java.util.Optional<Path> last = new Checkpoints(settings.runDir(), settings.checkpointing().keep()).latest();
    result.completeExceptionally(new RunFailure(who + " stopped unexpectedly (its error is in the log above); "
        + last.map(p -> "the last complete checkpoint is " + p + "; resume with: scripts/skillmix train --resume "
            + settings.runDir()).orElse("no checkpoint was written yet")));
    return end();
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
