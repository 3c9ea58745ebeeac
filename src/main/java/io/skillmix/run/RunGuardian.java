package io.skillmix.run;

import io.skillmix.learn.LearnerSettings;
import io.skillmix.learn.LearnerState;
import io.skillmix.metrics.RunHistory;
import io.skillmix.metrics.ProgressDisplay;
import io.skillmix.metrics.MetricsSink;
import io.skillmix.run.RunPreparation.Prepared;
import io.skillmix.run.TrainingRun.Command;
import io.skillmix.run.TrainingRun.Outcome;
import io.skillmix.run.TrainingRun.StopRequested;

import io.skillmix.checkpoint.CheckpointState;
import io.skillmix.checkpoint.Checkpointer;
import io.skillmix.checkpoint.ComponentState;
import io.skillmix.checkpoint.StateJson;
import io.skillmix.output.RunFolder;
import io.skillmix.checkpoint.Checkpoints;
import io.skillmix.data.DatasetActor;
import io.skillmix.data.tokenizer.ExampleEncoder;
import io.skillmix.model.ModelInputs;
import io.skillmix.learn.Learner;
import io.skillmix.learn.Trainer;
import io.skillmix.mix.MixturePolicy;
import io.skillmix.mix.MixtureSampler;
import io.skillmix.mix.MixtureScorer;
import io.skillmix.mix.MixSettings;
import io.skillmix.mix.RewardEvaluator;
import io.skillmix.model.ModelConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.ChildFailed;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The guardian of a training run: spawns and wires the dataset actors, the metrics sink, the
 * scorer, the reward evaluator, the checkpointer and the learner; watches every one of them (any
 * that stops ends the run in one line); and when the learner is done writes the report and plots
 * and stops everything.
 */
final class RunGuardian extends AbstractBehavior<Command> {

  private record LearnerDone(Learner.Outcome outcome) implements Command {}

  private record HistoryReady(RunHistory history) implements Command {}

  private record LearnerStopped() implements Command {}




  private final RunSettings settings;
  private final RunData data;
  private final CompletableFuture<TrainingRun.Outcome> result;
  private final ActorRef<MetricsSink.Command> metrics;
  private final ExampleEncoder encoder;
  private Learner.Outcome learnerOutcome;
  private final ActorRef<Learner.Command> learner;
  /** Runs as a learner node, its other actors elsewhere. */
  private final boolean cluster;
  /** The name of every watched actor but the learner, by its ref. */
  private final Map<ActorRef<?>, String> watched = new java.util.HashMap<>();
  private boolean ending;

  /** @param peers the actors on other nodes (a learner node), or null: spawn them all here */
  RunGuardian(ActorContext<Command> context, Prepared prepared,
      CompletableFuture<TrainingRun.Outcome> result, PeerFinder.Peers peers, ActorHooks hooks) {
    this(context, prepared, result, peers, hooks, () -> false);
  }

  /** @param stop whether a stop was requested, seen by work that holds the learner's thread (an evaluation) */
  RunGuardian(ActorContext<Command> context, Prepared prepared,
      CompletableFuture<TrainingRun.Outcome> result, PeerFinder.Peers peers, ActorHooks hooks,
      java.util.function.BooleanSupplier stop) {
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
        : RunActors.spawnDatasets(context, prepared, hooks,
            fault -> metrics.tell(new MetricsSink.Note(-1, "dataset_restarted", fault)));
    for (String name : names) {
      context.watch(datasets.get(name));
      watched.put(datasets.get(name), ComponentState.dataset(name));
    }

    MixSettings mix = settings.mix();
    MixturePolicy.Agent agent = mix.plan().start(data.sizes());
    double[] prior = mix.start(agent);
    ActorRef<RewardEvaluator.Command> evaluator = null;
    ActorRef<MixtureScorer.Command> scorer = null;
    if (mix.learned()) {
      scorer = spawnWatched("scorer", hooks, MixtureScorer.create(mix.plan(), mix.method(), agent, mix.guardrails(),
          new ArrayList<>(datasets.values()), metrics), Props.empty());
    }
    if (mix.learned() && mix.plan().usesEvaluator()) {
      if (peers != null) {
        evaluator = spawnWatched("evaluator-link", hooks, peers.evaluator().apply(scorer), Props.empty()).narrow();
      } else {
        evaluator = spawnWatched("evaluator", hooks, RunActors.evaluatorBehavior(prepared, datasets, scorer),
            DispatcherSelector.fromConfig(RunActors.PINNED));
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
      RunActors.restore(state, names, datasets, scorer);
      start = StateJson.read(state.component(CheckpointState.LEARNER), LearnerState.class, "the learner")
          .probabilities();
    }
    for (int i = 0; i < names.size(); i++) {
      datasets.get(names.get(i)).tell(new DatasetActor.SetProbability(start[i]));
    }
    LearnerSettings learnerSettings = new LearnerSettings(settings.train().steps(),
        settings.train().batchSize(), mix.plan(), mix.lagSteps(),
        mix.apply(), mix.updateTimeout(), settings.runDir().resolve(RunFolder.FINAL), settings.modelPath(),
        mix.batchMixing());
    RunSettings.Checkpointing checkpoints = settings.checkpointing();
    LearnerSettings.Checkpointing checkpointing = new LearnerSettings.Checkpointing(
        new Checkpoints(settings.runDir(), checkpoints.keep()), checkpoints.every(), checkpoints.maxBadSteps(),
        checkpointer);
    LearnerSettings.Resumed resumed = null;
    Trainer.Placement placement = new Trainer.Placement(settings.learnerDevice(), settings.learnerThreads());
    int padId = ModelInputs.padIdOf(encoder.tokenizer());
    java.util.function.Supplier<Trainer> trainer = () -> Trainer.create(settings.train(), modelConfig,
        settings.modelPath(), settings.seed(), placement, padId, settings.lora());
    if (state != null) {
      resumed = new LearnerSettings.Resumed(state.component(CheckpointState.LEARNER), () -> {
        try (Trainer initial = Trainer.create(settings.train(), modelConfig, settings.modelPath(), settings.seed(),
            placement, padId, settings.lora())) {
          return initial.reference();
        }
      });
      Path checkpoint = resume.checkpoint();
      trainer = () -> Trainer.restore(settings.train(), checkpoint, placement, padId, modelConfig,
          settings.modelPath(), settings.seed(), settings.lora());
    }
    learner = context.spawn(FatalErrors.contained(hooks.around("learner",
        Learner.create(learnerSettings, trainer, names, datasets, new MixtureSampler(start, settings.orderSeed()),
            evaluator, scorer, metrics, checkpointing, resumed, RunActors.periodicEvaluation(prepared, stop,
                why -> metrics.tell(new MetricsSink.Note(startStep, "no_eval", why)))))),
        "learner", DispatcherSelector.fromConfig(RunActors.PINNED));
    context.watchWith(learner, new LearnerStopped());
    learner.tell(new Learner.Start(context.messageAdapter(Learner.Outcome.class, LearnerDone::new)));
  }

  /** Every actor that is not the learner or a dataset: spawned here, and its stop ends the run. */
  private <T> ActorRef<T> spawnWatched(String name, ActorHooks hooks, Behavior<T> behavior, Props props) {
    ActorRef<T> ref = getContext().spawn(FatalErrors.contained(hooks.around(name, behavior)), name, props);
    getContext().watch(ref);
    watched.put(ref, name);
    return ref;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(LearnerDone.class, this::onLearnerDone)
        .onMessage(HistoryReady.class, this::onHistory)
        .onMessage(LearnerStopped.class, this::onLearnerStopped)
        .onMessageEquals(StopRequested.INSTANCE, this::onStopRequested)
        .onSignal(ChildFailed.class, this::onChildFailed)
        .onSignal(Terminated.class, this::onTerminated)
        .build();
  }

  /**
   * A watched actor stopped: a dataset (past its restarts, or its node gone) or any other actor.
   * Watching with the plain signal, not a message, keeps the cause of a failure (see below).
   */
  private Behavior<Command> onTerminated(Terminated terminated) {
    String name = watched.getOrDefault(terminated.getRef(), "unknown");
    return name.startsWith("dataset:")
        ? onDatasetStopped(name.substring("dataset:".length()))
        : onActorStopped(name);
  }

  /**
   * A child failed. A user's mistake that only shows on the data (a template that refuses an
   * example, a tool turn a template cannot write) stops its dataset without restarts: the run
   * ends with that line, exit 2, as if it had been found before the start.
   */
  private Behavior<Command> onChildFailed(ChildFailed failed) {
    String name = watched.getOrDefault(failed.getRef(), "unknown");
    if (failed.getCause() instanceof io.skillmix.UserError userError && !result.isDone() && learnerOutcome == null) {
      String where = name.startsWith("dataset:") ? "dataset " + name.substring("dataset:".length()) + datasetFile(name) : name;
      result.completeExceptionally(new io.skillmix.UserError(where + ": " + userError.getMessage()));
      return end();
    }
    if (failed.getCause() instanceof FatalErrors.Contained fatal && !name.startsWith("dataset:")) {
      return failed("the " + name + " actor", " after a fatal error (" + fatal.getMessage() + ")");
    }
    return onTerminated(failed);
  }

  /** " (FILE)" of a configured dataset, or "" for the built-in mix. */
  private String datasetFile(String component) {
    String name = component.substring("dataset:".length());
    return settings.data().datasets().stream().filter(d -> d.name().equals(name)).findFirst()
        .map(d -> " (" + d.path() + ")").orElse("");
  }

  private Behavior<Command> onDatasetStopped(String dataset) {
    if (learnerOutcome != null) {
      return this; // the run is ending anyway
    }
    result.completeExceptionally(new RunFailure(cluster
        ? "dataset " + dataset + " is gone: its data node stopped or was removed from the cluster"
            + " as unreachable; the run stops (resume it from its last checkpoint once the data node is back: "
            + resumeCommand() + ")"
        : "dataset " + dataset + " failed more than " + RunActors.DATASET_RESTARTS
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

  private Behavior<Command> onActorStopped(String actor) {
    if (learnerOutcome != null && actor.equals("metrics")) {
      return this; // the run is ending: the sink has handed over its history
    }
    return failed("the " + actor + " actor");
  }

  /** The run ends at once, in one line: who stopped, the last complete checkpoint, how to go on. */
  private Behavior<Command> failed(String who) {
    return failed(who, " unexpectedly (its error is in the log above)");
  }

  private Behavior<Command> failed(String who, String how) {
    if (result.isDone()) {
      return end();
    }
    java.util.Optional<Path> last = new Checkpoints(settings.runDir(), settings.checkpointing().keep()).latest();
    result.completeExceptionally(new RunFailure(who + " stopped" + how + "; "
        + last.map(p -> "the last complete checkpoint is " + p + "; resume with: " + resumeCommand())
            .orElse("no checkpoint was written yet")));
    return end();
  }

  /** The command that resumes this run: every node of a cluster run resumes from the run folder. */
  private String resumeCommand() {
    return cluster ? "scripts/cluster-local --resume " + settings.runDir() : "scripts/skillmix train --resume "
        + settings.runDir();
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
