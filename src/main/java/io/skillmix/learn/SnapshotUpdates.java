package io.skillmix.learn;

import io.skillmix.metrics.MetricsSink;
import io.skillmix.metrics.WeightUpdate;
import io.skillmix.mix.MixturePolicy;
import io.skillmix.mix.MixtureScorer;
import io.skillmix.mix.PolicyTiming;
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
 * The learner's side of the observation → probabilities loop: at each of the policy's observation
 * points ({@link PolicyTiming}) sending the step's observation to the scorer and, when the policy
 * has evaluator work, a parameter snapshot to the evaluator; taking the scorer's answers, putting
 * updates into effect when {@link UpdateSchedule} says, and owning the update deadline
 * ({@code mix.update-timeout}). It runs on the learner's thread, inside its handlers.
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
  private final ActorRef<MixtureScorer.Command> scorer;
  private final ActorRef<MetricsSink.Command> metrics;
  private final UpdateSchedule schedule;
  /** Snapshots whose deadline is running: a deadline is armed once per snapshot. */
  private final Set<Long> armed = new HashSet<>();
  /** The steps since the policy's last observation, when it reads training losses. */
  private final List<MixturePolicy.StepLosses> unobserved = new java.util.ArrayList<>();
  /** When each outstanding snapshot was sent, for its reward latency (the system figures). */
  private final java.util.Map<Long, Long> sentNanos = new java.util.HashMap<>();

  SnapshotUpdates(LearnerSettings settings, double[] prior, ActorContext<Learner.Command> context,
      ActorRef<RewardEvaluator.Command> evaluator, ActorRef<MixtureScorer.Command> scorer,
      ActorRef<MetricsSink.Command> metrics) {
    this.settings = settings;
    this.context = context;
    this.evaluator = evaluator;
    this.scorer = scorer;
    this.metrics = metrics;
    this.schedule = new UpdateSchedule(settings.apply(), settings.lagSteps(), prior);
  }

  /**
   * Training starts: a fresh run logs its prior as the first weights line; the evaluator (if any)
   * gets θ0, the run's starting weights; a policy that observes before the first step (Aioli's
   * held-out losses) gets its observation.
   */
  void start(long step, boolean fresh, Supplier<ParameterSnapshot> reference, String snapshotSize,
      java.util.function.LongFunction<ParameterSnapshot> snapshot) {
    if (fresh) {
      metrics.tell(new MetricsSink.WeightsApplied(new WeightUpdate(0, 0, schedule.probabilities())));
    }
    if (evaluator != null && settings.timing().usesEvaluator()) {
      evaluator.tell(new RewardEvaluator.Reference(reference.get()));
      metrics.tell(new MetricsSink.Note(step, "snapshot_size", snapshotSize));
    }
    if (fresh) {
      observe(step, snapshot);
    }
  }

  /** What is due after {@code stepsDone} steps (nothing after the very last, nor without a policy to hear it). */
  private PolicyTiming.Point due(long stepsDone) {
    if (stepsDone >= settings.steps() || scorer == null && evaluator == null) {
      return PolicyTiming.Point.NONE;
    }
    return settings.timing().after(stepsDone);
  }

  /** A step is done: its losses wait for the next observation, if the policy reads them. */
  void stepped(MixturePolicy.StepLosses losses) {
    if (settings.timing().readsTrainingLosses()) {
      unobserved.add(losses);
    }
  }

  /** The steps since the last observation, for a checkpoint. */
  List<MixturePolicy.StepLosses> unobserved() {
    return List.copyOf(unobserved);
  }

  /** Sends the policy's observation after {@code stepsDone} steps, if one is due. */
  void observe(long stepsDone, java.util.function.LongFunction<ParameterSnapshot> snapshot) {
    PolicyTiming.Point point = due(stepsDone);
    if (point != PolicyTiming.Point.NONE) {
      send(stepsDone, point, () -> snapshot.apply(stepsDone), List.copyOf(unobserved));
      unobserved.clear();
    }
  }

  /**
   * Sends the observation after {@code version} steps: to the scorer the learner's side of it, to
   * the evaluator (when the policy has work for it) a snapshot of the parameters.
   */
  private void send(long version, PolicyTiming.Point point, Supplier<ParameterSnapshot> snapshot,
      List<MixturePolicy.StepLosses> losses) {
    boolean update = point == PolicyTiming.Point.UPDATE;
    schedule.sent(version, update);
    sentNanos.put(version, System.nanoTime());
    metrics.tell(new MetricsSink.SnapshotSent(version));
    if (scorer != null) {
      scorer.tell(new MixtureScorer.Observed(version, update, losses));
    }
    if (evaluator != null && settings.timing().usesEvaluator()) {
      evaluator.tell(new RewardEvaluator.Evaluate(snapshot.get()));
    }
    if (settings.apply() == io.skillmix.mix.ApplyMode.FREE && update) {
      armDeadline(version);
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
    } else if (answer instanceof Learner.ScorerAnswered a && a.answer() instanceof MixtureScorer.Measured m) {
      sentNanos.remove(m.version());
      schedule.measured(m.version());
    } else if (answer instanceof Learner.ScorerAnswered a && a.answer() instanceof MixtureScorer.NotComputed f) {
      skip(f.version(), step, "no probabilities for snapshot " + f.version() + ": " + f.reason()
          + "; going on with the last probabilities");
    } else if (answer instanceof Learner.UpdateTimedOut t && skip(t.version(), step, t.stopping()
        ? "a stop was requested and snapshot " + t.version() + " had no probabilities within "
            + Learner.STOP_GRACE.toSeconds() + " s; stopping with the last ones"
        : "no probabilities for snapshot " + t.version() + " within " + settings.updateTimeout().toSeconds()
            + " s; going on with the last ones")) {
      if (evaluator != null) {
        evaluator.tell(new RewardEvaluator.Abandon(t.version()));
      }
      if (scorer != null) {
        scorer.tell(new MixtureScorer.Missed(t.version()));
      }
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
    if (state.unobserved() != null) {
      unobserved.addAll(state.unobserved());
    }
  }
}
