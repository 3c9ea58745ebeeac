package io.skillmix.learn;

import io.skillmix.UserError;
import io.skillmix.checkpoint.Checkpointer;
import io.skillmix.checkpoint.StateJson;
import io.skillmix.CrossNode;
import io.skillmix.data.DatasetActor;
import io.skillmix.data.TokenizedExample;
import io.skillmix.mix.MixturePolicy;
import io.skillmix.mix.MixtureScorer;
import io.skillmix.mix.MixtureSampler;
import io.skillmix.mix.RewardEvaluator;
import io.skillmix.metrics.MetricsSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;

/**
 * Owns θ and the optimizer (through {@link Trainer}) and runs one optimizer step per message on a
 * pinned thread. Each step draws from the current probabilities with its own seeded sampler (a
 * dataset per example, or one per step: {@code mix.batch-mixing}), gathers the batch from the
 * drawn datasets' actors ({@link BatchSource}), and trains on it. Every {@code updateEvery}
 * steps it sends a parameter snapshot to the reward evaluator; the probabilities computed from
 * snapshot t take effect at step t + lag ({@code lagged}, {@code sync} = lag 0) or on arrival
 * ({@code free}).
 *
 * <p>Steps are numbered from 0; a snapshot's version is the number of steps done when it was
 * taken. States: {@link #ready()} between steps, {@link #awaitingBatch} while the dataset actors
 * answer, {@link #waitingForWeights} when the next step needs probabilities not yet computed.
 */
public final class Learner extends AbstractBehavior<Learner.Command> {

  public sealed interface Command extends CrossNode {}

  /** Starts training; {@code replyTo} hears the {@link Outcome} after the last step. */
  public record Start(ActorRef<Outcome> replyTo) implements Command {}

  /** An answer for a snapshot: its probabilities, a failure, or no answer in time. */
  public sealed interface SnapshotAnswer extends Command {}

  /**
   * The scorer's answer for a snapshot: its probabilities ({@link MixtureScorer.Computed}) or why
   * there are none ({@link MixtureScorer.NotComputed}: the evaluator failed on it and restarted).
   */
  public record ScorerAnswered(MixtureScorer.Update answer) implements SnapshotAnswer {}

  /** Finish the current step, write a checkpoint and stop (Ctrl-C, SIGTERM, a caller's request). */
  public enum RequestStop implements Command { INSTANCE }

  /** How training ended. */
  public sealed interface Outcome extends CrossNode {}

  /**
   * All steps done (the final model saved by then), or {@code stopped} early on request.
   *
   * @param checkpoint the folder of the last checkpoint written, or null (text: it may cross nodes)
   */
  public record Finished(long steps, double[] probabilities, long skippedUpdates, boolean stopped,
      String checkpoint) implements Outcome {}

  /**
   * A step failed; the error says why (a {@link io.skillmix.UserError} for what a user can fix).
   * From another node the error arrives as text: a {@link io.skillmix.cluster.RemoteFailure}, or
   * the same {@code UserError}.
   */
  public record Failed(long step, RuntimeException error) implements Outcome {}

  private record BatchArrived(DatasetActor.Batch batch) implements Command {}

  private enum NextStep implements Command { INSTANCE }

  /** The checkpointer's answer: the checkpoint is durable, or why it is not. */
  private record CheckpointEnded(Checkpointer.Result result) implements Command {}

  /**
   * The evaluator did not answer for a snapshot in time: go on with the probabilities in hand.
   *
   * @param stopping the deadline was the stop request's grace, not the update timeout
   */
  record UpdateTimedOut(long version, boolean stopping) implements SnapshotAnswer {}

  /**
   * How long a stop request (Ctrl-C, SIGTERM) waits for reward evaluations in progress before it
   * gives them up: long enough for a healthy evaluator to answer, so the checkpoint stays exact;
   * short enough that a hung one never holds the stop (the update timeout is minutes).
   */
  static final Duration STOP_GRACE = Duration.ofSeconds(10);

  /**
   * @param scorer the learner subscribes to its probabilities; null for a fixed mixture (or a test
   *     that sends them itself)
   * @param checkpointing null: no checkpoints
   * @param resumed null: a fresh run
   * @param evaluation evaluation during training ({@code eval.every}); null: none
   */
  public static Behavior<Command> create(LearnerSettings settings, Supplier<Trainer> trainer,
      List<String> datasetNames, Map<String, ActorRef<DatasetActor.Command>> datasets,
      MixtureSampler sampler, ActorRef<RewardEvaluator.Command> evaluator, ActorRef<MixtureScorer.Command> scorer,
      ActorRef<MetricsSink.Command> metrics, LearnerSettings.Checkpointing checkpointing, LearnerSettings.Resumed resumed,
      PeriodicEvaluation.Plan evaluation) {
    return Behaviors.withStash(256, stash -> Behaviors.setup(context -> {
      if (scorer != null) {
        scorer.tell(new MixtureScorer.Subscribe(context.messageAdapter(MixtureScorer.Update.class, ScorerAnswered::new)));
      }
      return new Learner(context, stash, settings, trainer.get(), datasetNames, datasets, sampler, evaluator, scorer,
          metrics, checkpointing, resumed, new PeriodicEvaluation(evaluation, metrics));
    }));
  }

  /** What the learner does once a checkpoint is durable. */
  private enum AfterCheckpoint { CONTINUE, FINISH, STOP }

  private final StashBuffer<Command> stash;
  private final LearnerSettings settings;
  private final Trainer trainer;
  private final BatchSource batches;
  private final ActorRef<MetricsSink.Command> metrics;
  private final PeriodicEvaluation evaluation;
  private final SnapshotUpdates updates;
  private ActorRef<Outcome> replyTo;
  private long step;
  private long waitStartNanos;
  private double waitSeconds; // waiting for probabilities before the step, added to its data wait
  private int badStepsInRow;
  private boolean stopRequested;
  private final LearnerCheckpoints checkpoints;
  private final LearnerSettings.Resumed resumed;
  /** What to do once the checkpoint in progress is durable. */
  private AfterCheckpoint afterCheckpoint;

  private Learner(ActorContext<Command> context, StashBuffer<Command> stash, LearnerSettings settings,
      Trainer trainer, List<String> datasetNames, Map<String, ActorRef<DatasetActor.Command>> datasets,
      MixtureSampler sampler, ActorRef<RewardEvaluator.Command> evaluator, ActorRef<MixtureScorer.Command> scorer,
      ActorRef<MetricsSink.Command> metrics, LearnerSettings.Checkpointing checkpointing, LearnerSettings.Resumed resumed,
      PeriodicEvaluation evaluation) {
    super(context);
    this.evaluation = evaluation;
    this.stash = stash;
    this.settings = settings;
    this.trainer = trainer;
    this.batches = new BatchSource(datasetNames, datasets, sampler, settings.batchSize(), settings.batchMixing(),
        context.messageAdapter(DatasetActor.Batch.class, BatchArrived::new));
    this.metrics = metrics;
    this.updates = new SnapshotUpdates(settings, sampler.probabilities(), context, evaluator, scorer, metrics);
    this.checkpoints = new LearnerCheckpoints(checkpointing);
    this.resumed = resumed;
    if (resumed != null) {
      restore(StateJson.read(resumed.state(), LearnerState.class, "the learner"));
    }
  }

  private void restore(LearnerState state) {
    step = state.step();
    batches.importState(state.sampler());
    updates.restore(state);
    checkpoints.resumedAt(step);
  }

  private LearnerState exportState() {
    return new LearnerState(step, batches.exportState(), updates.probabilities(), updates.version(), updates.pending(),
        updates.skipped(), updates.unobserved());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Start.class, this::onStart)
        .onMessage(SnapshotAnswer.class, this::onUpdate)
        .onMessageEquals(RequestStop.INSTANCE, this::onRequestStop)
        .build();
  }

  private Behavior<Command> onStart(Start start) {
    replyTo = start.replyTo();
    // θ0 is the run's starting point, also when this learner continues from a checkpoint.
    updates.start(step, resumed == null, resumed == null ? trainer::reference : resumed.reference(),
        trainer.snapshotSizeText(), trainer::snapshot);
    evaluation.atStart(resumed == null, trainer.model());
    getContext().getSelf().tell(NextStep.INSTANCE);
    return ready();
  }

  /** Between steps: the next step starts here. */
  private Behavior<Command> ready() {
    return newReceiveBuilder()
        .onMessageEquals(NextStep.INSTANCE, this::onNextStep)
        .onMessage(SnapshotAnswer.class, this::onUpdate)
        .onMessageEquals(RequestStop.INSTANCE, this::onRequestStop)
        .build();
  }

  private Behavior<Command> onNextStep() {
    if (step >= settings.steps()) {
      return checkpoint(AfterCheckpoint.FINISH);
    }
    if (stopRequested) {
      return checkpoint(AfterCheckpoint.STOP);
    }
    updates.applyDue(step, batches::setProbabilities);
    if (updates.blocking(step) != null) {
      waitStartNanos = System.nanoTime();
      return waitingForWeights();
    }
    waitStartNanos = System.nanoTime();
    batches.requestNext(settings.timing().dictated(step));
    return awaitingBatch();
  }

  private Behavior<Command> waitingForWeights() {
    return newReceiveBuilder()
        .onMessage(SnapshotAnswer.class, this::onUpdateWhileWaiting)
        .onMessageEquals(RequestStop.INSTANCE, this::onRequestStop)
        .onAnyMessage(this::stashIt)
        .build();
  }

  /** An answer for a snapshot (probabilities, a failure, a timeout) while the learner waits for one. */
  private Behavior<Command> onUpdateWhileWaiting(SnapshotAnswer update) {
    onUpdate(update);
    return updates.blocking(step) != null ? Behaviors.same() : resumeAfterWait();
  }

  private Behavior<Command> resumeAfterWait() {
    waitSeconds += (System.nanoTime() - waitStartNanos) / 1e9;
    getContext().getSelf().tell(NextStep.INSTANCE);
    return stash.unstashAll(ready());
  }

  private Behavior<Command> stashIt(Command message) {
    stash.stash(message);
    return Behaviors.same();
  }

  private Behavior<Command> awaitingBatch() {
    return newReceiveBuilder()
        .onMessage(BatchArrived.class, this::onBatch)
        .onMessage(SnapshotAnswer.class, this::onUpdate)
        .onMessageEquals(RequestStop.INSTANCE, this::onRequestStop)
        .build();
  }

  private Behavior<Command> onBatch(BatchArrived arrived) {
    double dataWait = (System.nanoTime() - waitStartNanos) / 1e9;
    long start = System.nanoTime();
    BatchSource.Drawn drawn = batches.onBatch(arrived.batch());
    if (drawn == null) {
      return Behaviors.same(); // more datasets of this step to answer
    }
    Trainer.StepResult result;
    List<TokenizedExample> examples = drawn.examples();
    try {
      result = trainer.step(examples);
    } catch (RuntimeException e) {
      int longest = examples.stream().mapToInt(x -> x.ids().length).max().orElse(0);
      return fail(EngineFaults.explain(e, examples.size(), longest));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    int n = batches.names().size();
    double[] losses = drawn.losses(result, n);
    metrics.tell(new MetricsSink.TrainStep(step, result.loss(), losses, drawn.counts(n), result.lr(),
        result.gradNorm(), result.tokens(), result.padTokens(), seconds, dataWait + waitSeconds, drawn.prefetched()));
    updates.stepped(new MixturePolicy.StepLosses(step, losses, result.loss(), result.gradNorm(), drawn.last()));
    badStepsInRow = result.skipped() ? badStepsInRow + 1 : 0;
    if (result.skipped()) {
      metrics.tell(new MetricsSink.Note(step, "skipped_step", "non-finite loss or gradient (loss "
          + result.loss() + ", norm " + result.gradNorm() + "); no update at this step"));
    }
    waitSeconds = 0;
    step++;
    if (badStepsInRow > checkpoints.maxBadSteps()) {
      return fail(checkpoints.tooManyBadSteps(badStepsInRow));
    }
    updates.observe(step, trainer::snapshot);
    evaluation.after(step, trainer.model()); // while the reward evaluator works on the snapshot
    if (checkpoints.periodic(step, settings.steps())) {
      return checkpoint(AfterCheckpoint.CONTINUE);
    }
    getContext().getSelf().tell(NextStep.INSTANCE);
    return ready();
  }

  private Behavior<Command> onRequestStop() {
    if (!stopRequested) {
      stopRequested = true;
      updates.stopRequested(step);
    }
    return Behaviors.same();
  }

  /**
   * Writes a checkpoint after {@code step} steps, then goes on as {@code then} says. Outstanding
   * reward evaluations are waited for first (bounded by the update timeout), so the scorer, the
   * dataset streams and the learner's pending updates describe one consistent moment.
   */
  private Behavior<Command> checkpoint(AfterCheckpoint then) {
    if (!checkpoints.wanted(step)) {
      return afterCheckpoint(then);
    }
    afterCheckpoint = then;
    checkpoints.begin();
    updates.checkpointWaits();
    return gatherCheckpoint();
  }

  private Behavior<Command> checkpointing() {
    return newReceiveBuilder()
        .onMessage(SnapshotAnswer.class, this::onUpdateWhileCheckpointing)
        .onMessage(CheckpointEnded.class, this::onCheckpointEnded)
        .onMessageEquals(RequestStop.INSTANCE, this::onRequestStop)
        .onAnyMessage(this::stashIt)
        .build();
  }

  /** An answer for a snapshot while a checkpoint waits for the outstanding ones. */
  private Behavior<Command> onUpdateWhileCheckpointing(SnapshotAnswer update) {
    onUpdate(update);
    return gatherCheckpoint();
  }

  /**
   * One step of a checkpoint: wait for outstanding evaluations, then write the trainer's files
   * into a pending folder and hand it to the checkpointer, which gathers the other actors' states.
   */
  private Behavior<Command> gatherCheckpoint() {
    if (!updates.outstanding().isEmpty() || checkpoints.sent()) {
      return checkpointing();
    }
    try {
      checkpoints.send(step, trainer, settings.sourceModel(), StateJson.write(exportState()),
          getContext().messageAdapter(Checkpointer.Result.class, CheckpointEnded::new));
    } catch (RuntimeException e) {
      return fail(e);
    }
    return checkpointing();
  }

  private Behavior<Command> onCheckpointEnded(CheckpointEnded ended) {
    Path saved;
    try {
      saved = checkpoints.ended(step, ended.result());
    } catch (IllegalStateException e) {
      return fail(e);
    }
    metrics.tell(new MetricsSink.Note(step, "checkpoint", saved.toString()));
    return afterCheckpoint(afterCheckpoint);
  }

  private Behavior<Command> afterCheckpoint(AfterCheckpoint then) {
    return switch (then) {
      case FINISH -> finish();
      case STOP -> stop();
      case CONTINUE -> {
        getContext().getSelf().tell(NextStep.INSTANCE);
        yield stash.unstashAll(ready());
      }
    };
  }

  private Behavior<Command> stop() {
    trainer.close();
    replyTo.tell(new Finished(step, updates.probabilities(), updates.skipped(), true, checkpoints.lastText()));
    return Behaviors.stopped();
  }

  /** An answer for a snapshot (probabilities, a failure, a deadline): see {@link SnapshotUpdates#onAnswer}. */
  private Behavior<Command> onUpdate(SnapshotAnswer update) {
    updates.onAnswer(update, step);
    return Behaviors.same();
  }

  private Behavior<Command> finish() {
    try {
      LearnerCheckpoints.saveFinal(settings, trainer);
    } catch (RuntimeException e) {
      return fail(e);
    }
    trainer.close();
    replyTo.tell(new Finished(step, updates.probabilities(), updates.skipped(), false, checkpoints.lastText()));
    return Behaviors.stopped();
  }

  private Behavior<Command> fail(RuntimeException e) {
    EngineFaults.log(getContext().getLog(), step, e);
    trainer.close();
    replyTo.tell(new Failed(step, e));
    return Behaviors.stopped();
  }
}
