package io.skillmix.learn;

import io.skillmix.mix.ApplyMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * When the probabilities computed from each parameter snapshot take effect: the learner's
 * bookkeeping of snapshots sent, answers received, updates waiting for their step, and updates
 * given up on. Pure logic on one thread (the learner's), so the timing rules of {@code mix.apply}
 * are testable without actors: lagged and sync take effect at {@code version + lag} exactly (the
 * learner waits there if an answer is late), free as soon as it arrives.
 */
final class UpdateSchedule {

  /** Probabilities that took effect at {@code step}, computed from snapshot {@code version}. */
  record Applied(long step, long version, double[] probabilities) {

    /** Steps between the snapshot these probabilities came from and the step they took effect. */
    long staleness() {
      return step - version;
    }
  }

  private final ApplyMode apply;
  private final int lagSteps;
  /** Updates received but not yet in effect, by the step at which they take effect. */
  private final TreeMap<Long, LearnerState.PendingUpdate> pending = new TreeMap<>();
  /** Versions of snapshots sent whose probabilities have not arrived. */
  private final TreeSet<Long> outstanding = new TreeSet<>();
  private double[] probabilities;
  private long version;
  private long skipped;

  UpdateSchedule(ApplyMode apply, int lagSteps, double[] probabilities) {
    this.apply = apply;
    this.lagSteps = lagSteps;
    this.probabilities = probabilities.clone();
  }

  /** A snapshot taken after {@code version} steps went to the evaluator. */
  void sent(long version) {
    outstanding.add(version);
  }

  /**
   * Its probabilities arrived while {@code step} is the next step; false when that snapshot was
   * already given up on (a late answer after a timeout), which is then ignored.
   */
  boolean received(long version, double[] probabilities, long step) {
    if (!outstanding.remove(version)) {
      return false;
    }
    long effective = apply == ApplyMode.FREE ? step : Math.max(step, version + lagSteps);
    pending.put(effective, new LearnerState.PendingUpdate(effective, version, probabilities.clone()));
    return true;
  }

  /** No probabilities will come for {@code version}; true when it was still awaited (one skipped update). */
  boolean giveUp(long version) {
    if (!outstanding.remove(version)) {
      return false;
    }
    skipped++;
    return true;
  }

  /** The version whose probabilities must be in effect before {@code step} and are still missing. */
  Long blockingVersion(long step) {
    if (apply == ApplyMode.FREE || outstanding.isEmpty()) {
      return null;
    }
    long first = outstanding.first();
    return first + lagSteps <= step ? first : null;
  }

  /** Puts into effect every update due at {@code step}, in order; what changed, for the log. */
  List<Applied> applyDue(long step) {
    List<Applied> applied = new ArrayList<>();
    while (!pending.isEmpty() && pending.firstKey() <= step) {
      LearnerState.PendingUpdate next = pending.pollFirstEntry().getValue();
      probabilities = next.probabilities().clone();
      version = next.version();
      applied.add(new Applied(step, version, probabilities.clone()));
    }
    return applied;
  }

  NavigableSet<Long> outstanding() {
    return java.util.Collections.unmodifiableNavigableSet(outstanding);
  }

  double[] probabilities() {
    return probabilities.clone();
  }

  long version() {
    return version;
  }

  long skipped() {
    return skipped;
  }

  List<LearnerState.PendingUpdate> pending() {
    List<LearnerState.PendingUpdate> out = new ArrayList<>();
    for (Map.Entry<Long, LearnerState.PendingUpdate> e : pending.entrySet()) {
      LearnerState.PendingUpdate p = e.getValue();
      out.add(new LearnerState.PendingUpdate(p.effectiveStep(), p.version(), p.probabilities().clone()));
    }
    return out;
  }

  /** Back to where a checkpoint left it (nothing is outstanding at a checkpoint). */
  void restore(double[] probabilities, long version, List<LearnerState.PendingUpdate> waiting, long skipped) {
    this.probabilities = probabilities.clone();
    this.version = version;
    pending.clear();
    outstanding.clear();
    for (LearnerState.PendingUpdate p : waiting) {
      pending.put(p.effectiveStep(), p);
    }
    this.skipped = skipped;
  }
}
