package io.skillmix.learn;

import io.skillmix.metrics.MetricsSink;
import io.skillmix.metrics.WeightUpdate;
import io.skillmix.mix.MixtureScorer;
import io.skillmix.mix.RewardEvaluator;
import io.skillmix.model.ParameterSnapshot;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.NavigableSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * The learner's side of the snapshot → probabilities loop: sending snapshots to the evaluator,
 * taking the scorer's answers, putting updates into effect when {@link UpdateSchedule} says, and
 * owning the update deadline ({@code mix.update-timeout}). It runs on the learner's thread, inside
 * its handlers.
 *
 * <p>The deadline is the learner's alone (the evaluator keeps no timer of its own): a snapshot's
 * deadline starts when the learner first needs its answer (when a lagged or sync step waits for
 * it, or a checkpoint does; in free mode, which never waits, when it is sent) and is armed once.
 * When it passes, the update is skipped with one note, and the evaluator hears
 * {@link RewardEvaluator.Abandon} so that a hung reward model is replaced.
 */
final class SnapshotUpdates {

  private final LearnerSettings settings;
  private final ActorContext<Learner.Command> context;
  private final ActorRef<RewardEvaluator.Command> evaluator;
  private final ActorRef<MetricsSink.Command> metrics;
  private final UpdateSchedule schedule;
  /** Snapshots whose deadline is running: a deadline is armed once per snapshot. */
  private final Set<Long> armed = new HashSet<>();
  /** When each outstanding snapshot was sent, for its reward latency (the system figures). */
  private final java.util.Map<Long, Long> sentNanos = new java.util.HashMap<>();

  SnapshotUpdates(LearnerSettings settings, double[] prior, ActorContext<Learner.Command> context,
      ActorRef<RewardEvaluator.Command> evaluator, ActorRef<MetricsSink.Command> metrics) {
    this.settings = settings;
    this.context = context;
    this.evaluator = evaluator;
    this.metrics = metrics;
    this.schedule = new UpdateSchedule(settings.apply(), settings.lagSteps(), prior);
  }

  /**
   * Training starts: a fresh run logs its prior as the first weights line; the evaluator (if any)
   * gets θ0, the run's starting weights.
   */
  void start(long step, boolean fresh, Supplier<ParameterSnapshot> reference, String snapshotSize) {
    if (fresh) {
      metrics.tell(new MetricsSink.WeightsApplied(new WeightUpdate(0, 0, schedule.probabilities())));
    }
    if (evaluator != null) {
      evaluator.tell(new RewardEvaluator.Reference(reference.get()));
      if (settings.updateEvery() > 0) {
        metrics.tell(new MetricsSink.Note(step, "snapshot_size", snapshotSize));
      }
    }
  }

  /** Whether a snapshot is due after {@code stepsDone} steps (none at the very end). */
  boolean snapshotDue(long stepsDone) {
    return evaluator != null && settings.updateEvery() > 0 && stepsDone % settings.updateEvery() == 0
        && stepsDone < settings.steps();
  }

  void send(ParameterSnapshot snapshot) {
    schedule.sent(snapshot.version());
    sentNanos.put(snapshot.version(), System.nanoTime());
    metrics.tell(new MetricsSink.SnapshotSent(snapshot.version()));
    evaluator.tell(new RewardEvaluator.Evaluate(snapshot));
    if (settings.apply() == io.skillmix.mix.ApplyMode.FREE) {
      armDeadline(snapshot.version());
    }
  }

  /** Puts into effect what is due at {@code step}: {@code apply} gets each, the metrics a line. */
  void applyDue(long step, Consumer<double[]> apply) {
    for (WeightUpdate applied : schedule.applyDue(step)) {
      apply.accept(applied.probabilities());
      metrics.tell(new MetricsSink.WeightsApplied(applied));
    }
  }

  /** The snapshot step {@code step} must wait for (its deadline now running), or null. */
  Long blocking(long step) {
    Long version = schedule.blockingVersion(step);
    if (version != null) {
      armDeadline(version);
    }
    return version;
  }

  /** A checkpoint waits for every outstanding snapshot: their deadlines run from now at the latest. */
  void checkpointWaits() {
    outstanding().forEach(this::armDeadline);
  }

  private void armDeadline(long version) {
    if (armed.add(version)) {
      context.scheduleOnce(settings.updateTimeout(), context.getSelf(), new Learner.UpdateTimedOut(version, false));
    }
  }

  /**
   * A stop request: outstanding snapshots get {@link Learner#STOP_GRACE} (or the update timeout,
   * if shorter) to answer, so a stop never waits for a hung evaluator.
   */
  void stopRequested(long step) {
    metrics.tell(new MetricsSink.Note(step, "stop_requested", outstanding().isEmpty()
        ? "stopping after this step"
        : "stopping; waiting at most " + Learner.STOP_GRACE.toSeconds() + " s for snapshot(s) " + outstanding()));
    Duration grace = Learner.STOP_GRACE.compareTo(settings.updateTimeout()) < 0
        ? Learner.STOP_GRACE : settings.updateTimeout();
    for (Long v : outstanding()) {
      context.scheduleOnce(grace, context.getSelf(), new Learner.UpdateTimedOut(v, true));
    }
  }

  /**
   * An answer for a snapshot while {@code step} is the next step: its probabilities (ignored when
   * given up on already), a failure, or its deadline; the last two cost that update only.
   */
  void onAnswer(Learner.SnapshotAnswer answer, long step) {
    if (answer instanceof Learner.ScorerAnswered a && a.answer() instanceof MixtureScorer.Computed p) {
      Long sent = sentNanos.remove(p.version());
      if (schedule.received(p.version(), p.probabilities(), step) && sent != null) {
        metrics.tell(new MetricsSink.SnapshotAnswered(p.version(), step, (System.nanoTime() - sent) / 1e9));
      }
    } else if (answer instanceof Learner.ScorerAnswered a && a.answer() instanceof MixtureScorer.NotComputed f) {
      skip(f.version(), step, "the reward evaluator failed on snapshot " + f.version() + " (" + f.reason()
          + "); going on with the last probabilities");
    } else if (answer instanceof Learner.UpdateTimedOut t && skip(t.version(), step, t.stopping()
        ? "a stop was requested and snapshot " + t.version() + " had no probabilities within "
            + Learner.STOP_GRACE.toSeconds() + " s; stopping with the last ones"
        : "no probabilities for snapshot " + t.version() + " within " + settings.updateTimeout().toSeconds()
            + " s; going on with the last ones")) {
      evaluator.tell(new RewardEvaluator.Abandon(t.version()));
    }
  }

  /** An update given up on costs that update only, and says why in the metrics; false if it was not awaited. */
  private boolean skip(long version, long step, String why) {
    sentNanos.remove(version);
    if (!schedule.giveUp(version)) {
      return false;
    }
    metrics.tell(new MetricsSink.Note(step, "skipped_update", why));
    return true;
  }

  NavigableSet<Long> outstanding() {
    return schedule.outstanding();
  }

  double[] probabilities() {
    return schedule.probabilities();
  }

  long version() {
    return schedule.version();
  }

  List<WeightUpdate> pending() {
    return schedule.pending();
  }

  long skipped() {
    return schedule.skipped();
  }

  void restore(LearnerState state) {
    schedule.restore(state.probabilities(), state.version(), state.pending(), state.skippedUpdates());
  }
}
