package io.skillmix.learn;

import io.skillmix.cluster.CrossNode;
import io.skillmix.data.DatasetActor;
import io.skillmix.mix.ApplyMode;
import io.skillmix.mix.MixtureSampler;
import io.skillmix.mix.RewardEvaluator;
import io.skillmix.run.MetricsSink;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 * pinned thread. Each step draws its dataset from the current probabilities with its own seeded
 * sampler, asks that dataset's actor for a batch, and trains on it. Every {@code updateEvery}
 * steps it sends a parameter snapshot to the reward evaluator; the probabilities computed from
 * snapshot t take effect at step t + lag ({@code lagged}, {@code sync} = lag 0) or on arrival
 * ({@code free}).
 *
 * <p>Steps are numbered from 0; a snapshot's version is the number of steps done when it was
 * taken. States: {@link #ready()} between steps, {@link #awaitingBatch} while the dataset actor
 * answers, {@link #waitingForWeights} when the next step needs probabilities not yet computed.
 */
public final class Learner extends AbstractBehavior<Learner.Command> {

  public sealed interface Command extends CrossNode {}

  /** Starts training; {@code replyTo} hears the {@link Outcome} after the last step. */
  public record Start(ActorRef<Outcome> replyTo) implements Command {}

  /** Probabilities computed from the snapshot taken after {@code version} steps. */
  public record NewProbabilities(long version, double[] probabilities) implements Command {}

  /** How training ended. */
  public sealed interface Outcome extends CrossNode {}

  /** All steps done; the final model is saved by then. */
  public record Finished(long steps, double[] probabilities, long skippedUpdates) implements Outcome {}

  /**
   * A step failed; the error says why (a {@link io.skillmix.UserError} for what a user can fix).
   * From another node the error arrives as text: a {@link io.skillmix.cluster.RemoteFailure}, or
   * the same {@code UserError}.
   */
  public record Failed(long step, RuntimeException error) implements Outcome {}

  private record BatchArrived(DatasetActor.Batch batch) implements Command {}

  private enum NextStep implements Command { INSTANCE }

  /** The evaluator did not answer for a snapshot in time: go on with the probabilities in hand. */
  private record UpdateTimedOut(long version) implements Command {}

  /**
   * @param updateEvery S: steps between snapshots (0: no snapshots, static mixture)
   * @param lagSteps L: steps between a snapshot and the step its probabilities take effect
   * @param updateTimeout how long a lagged/sync learner waits for an update before skipping it
   */
  public record Settings(long steps, int batchSize, int updateEvery, int lagSteps, ApplyMode apply,
      Duration updateTimeout, java.nio.file.Path finalModelDir, java.nio.file.Path sourceModel) {}

  public static Behavior<Command> create(Settings settings, Supplier<Trainer> trainer,
      List<String> datasetNames, Map<String, ActorRef<DatasetActor.Command>> datasets,
      MixtureSampler sampler, ActorRef<RewardEvaluator.Command> evaluator,
      ActorRef<MetricsSink.Command> metrics) {
    return Behaviors.withStash(64, stash -> Behaviors.setup(context -> new Learner(context, stash,
        settings, trainer.get(), datasetNames, datasets, sampler, evaluator, metrics)));
  }

  private final StashBuffer<Command> stash;
  private final Settings settings;
  private final Trainer trainer;
  private final List<String> datasetNames;
  private final Map<String, ActorRef<DatasetActor.Command>> datasets;
  private final MixtureSampler sampler;
  private final ActorRef<RewardEvaluator.Command> evaluator;
  private final ActorRef<MetricsSink.Command> metrics;
  private final ActorRef<DatasetActor.Batch> batchAdapter;

  /** Updates received but not yet in effect, by the step at which they take effect. */
  private final TreeMap<Long, NewProbabilities> pending = new TreeMap<>();
  /** Versions of snapshots sent whose probabilities have not arrived. */
  private final java.util.TreeSet<Long> outstanding = new java.util.TreeSet<>();
  private ActorRef<Outcome> replyTo;
  private double[] probabilities;
  private long step;
  private long skippedUpdates;
  private long waitStartNanos;
  private double waitSeconds;

  private Learner(ActorContext<Command> context, StashBuffer<Command> stash, Settings settings,
      Trainer trainer, List<String> datasetNames, Map<String, ActorRef<DatasetActor.Command>> datasets,
      MixtureSampler sampler, ActorRef<RewardEvaluator.Command> evaluator,
      ActorRef<MetricsSink.Command> metrics) {
    super(context);
    this.stash = stash;
    this.settings = settings;
    this.trainer = trainer;
    this.datasetNames = List.copyOf(datasetNames);
    this.datasets = datasets;
    this.sampler = sampler;
    this.evaluator = evaluator;
    this.metrics = metrics;
    this.probabilities = sampler.probabilities();
    this.batchAdapter = context.messageAdapter(DatasetActor.Batch.class, BatchArrived::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Start.class, this::onStart)
        .onMessage(NewProbabilities.class, this::onNewProbabilities)
        .build();
  }

  private Behavior<Command> onStart(Start start) {
    replyTo = start.replyTo();
    metrics.tell(new MetricsSink.WeightsApplied(step, 0, probabilities.clone()));
    if (evaluator != null) {
      evaluator.tell(new RewardEvaluator.Reference(trainer.snapshot(0)));
    }
    getContext().getSelf().tell(NextStep.INSTANCE);
    return ready();
  }

  /** Between steps: the next step starts here. */
  private Behavior<Command> ready() {
    return newReceiveBuilder()
        .onMessageEquals(NextStep.INSTANCE, this::onNextStep)
        .onMessage(NewProbabilities.class, this::onNewProbabilities)
        .onMessage(UpdateTimedOut.class, this::onUpdateTimedOut)
        .build();
  }

  private Behavior<Command> onNextStep() {
    if (step >= settings.steps()) {
      return finish();
    }
    applyDueUpdates();
    Long blocking = blockingVersion();
    if (blocking != null) {
      waitStartNanos = System.nanoTime();
      getContext().scheduleOnce(settings.updateTimeout(), getContext().getSelf(),
          new UpdateTimedOut(blocking));
      return waitingForWeights();
    }
    int dataset = sampler.next();
    waitStartNanos = System.nanoTime();
    datasets.get(datasetNames.get(dataset))
        .tell(new DatasetActor.RequestBatch(DatasetActor.StreamKind.TRAIN, settings.batchSize(), batchAdapter));
    return awaitingBatch();
  }

  /** The version whose probabilities must be in effect before this step, if still missing. */
  private Long blockingVersion() {
    if (settings.apply() == ApplyMode.FREE || outstanding.isEmpty()) {
      return null;
    }
    long first = outstanding.first();
    return first + settings.lagSteps() <= step ? first : null;
  }

  private Behavior<Command> waitingForWeights() {
    return newReceiveBuilder()
        .onMessage(NewProbabilities.class, this::onProbabilitiesWhileWaiting)
        .onMessage(UpdateTimedOut.class, this::onTimeoutWhileWaiting)
        .onAnyMessage(this::stashIt)
        .build();
  }

  private Behavior<Command> onProbabilitiesWhileWaiting(NewProbabilities update) {
    onNewProbabilities(update);
    if (blockingVersion() != null) {
      return Behaviors.same();
    }
    return resumeAfterWait();
  }

  private Behavior<Command> onTimeoutWhileWaiting(UpdateTimedOut timeout) {
    onUpdateTimedOut(timeout);
    return blockingVersion() != null ? Behaviors.same() : resumeAfterWait();
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
        .onMessage(NewProbabilities.class, this::onNewProbabilities)
        .onMessage(UpdateTimedOut.class, this::onUpdateTimedOut)
        .build();
  }

  private Behavior<Command> onBatch(BatchArrived arrived) {
    double dataWait = (System.nanoTime() - waitStartNanos) / 1e9;
    long start = System.nanoTime();
    Trainer.StepResult result;
    try {
      result = trainer.step(arrived.batch().examples());
    } catch (RuntimeException e) {
      return fail(e);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    metrics.tell(new MetricsSink.TrainStep(step, arrived.batch().dataset(), result.loss(), result.lr(),
        result.gradNorm(), result.tokens(), seconds, dataWait + waitSeconds));
    if (result.skipped()) {
      metrics.tell(new MetricsSink.Note(step, "skipped_step",
          "non-finite gradient (norm " + result.gradNorm() + "); no update at this step"));
    }
    waitSeconds = 0;
    step++;
    if (evaluator != null && settings.updateEvery() > 0 && step % settings.updateEvery() == 0
        && step < settings.steps()) {
      outstanding.add(step);
      evaluator.tell(new RewardEvaluator.Evaluate(trainer.snapshot(step)));
    }
    getContext().getSelf().tell(NextStep.INSTANCE);
    return ready();
  }

  private Behavior<Command> onNewProbabilities(NewProbabilities update) {
    if (!outstanding.remove(update.version())) {
      return Behaviors.same(); // an update already given up on (timed out)
    }
    // Free: from the next dataset draw on. Lagged and sync: at version + lag exactly (the learner
    // waits there if they are late).
    long effective = settings.apply() == ApplyMode.FREE
        ? step : Math.max(step, update.version() + settings.lagSteps());
    pending.put(effective, update);
    return Behaviors.same();
  }

  private Behavior<Command> onUpdateTimedOut(UpdateTimedOut timeout) {
    if (outstanding.remove(timeout.version())) {
      skippedUpdates++;
      metrics.tell(new MetricsSink.Note(step, "skipped_update",
          "no probabilities for snapshot " + timeout.version() + " within "
              + settings.updateTimeout().toSeconds() + " s; going on with the last ones"));
    }
    return Behaviors.same();
  }

  private void applyDueUpdates() {
    while (!pending.isEmpty() && pending.firstKey() <= step) {
      apply(pending.pollFirstEntry().getValue(), step);
    }
  }

  private void apply(NewProbabilities update, long atStep) {
    probabilities = update.probabilities().clone();
    sampler.setProbabilities(probabilities);
    metrics.tell(new MetricsSink.WeightsApplied(atStep, update.version(), probabilities.clone()));
  }

  private Behavior<Command> finish() {
    try {
      if (settings.finalModelDir() != null) {
        trainer.save(settings.finalModelDir(), settings.sourceModel());
      }
    } catch (RuntimeException e) {
      return fail(e);
    }
    trainer.close();
    replyTo.tell(new Finished(step, probabilities.clone(), skippedUpdates));
    return Behaviors.stopped();
  }

  private Behavior<Command> fail(RuntimeException e) {
    getContext().getLog().error("training step {} failed", step, e);
    trainer.close();
    replyTo.tell(new Failed(step, e));
    return Behaviors.stopped();
  }
}
