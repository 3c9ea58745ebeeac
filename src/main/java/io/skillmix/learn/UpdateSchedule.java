package io.skillmix.learn;

import io.skillmix.metrics.WeightUpdate;
import io.skillmix.mix.ApplyMode;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeMap;

/**
 * When the probabilities computed from each observation take effect: the learner's bookkeeping of
 * observations sent, answers received, updates waiting for their step, and updates given up on.
 * Pure logic on one thread (the learner's), so the timing rules of {@code mix.apply} are testable
 * without actors: lagged and sync take effect at {@code version + lag} exactly (the learner waits
 * there if an answer is late), free as soon as it arrives. A measurement (an observation that
 * brings no probabilities) never holds a step; only a checkpoint waits for it.
 */
final class UpdateSchedule {

  private final ApplyMode apply;
  private final int lagSteps;
  /** Updates received but not yet in effect, by the step at which they take effect. */
  private final TreeMap<Long, WeightUpdate> pending = new TreeMap<>();
  /** Versions of observations sent whose answer has not arrived: true for an update, false for a measurement. */
  private final TreeMap<Long, Boolean> outstanding = new TreeMap<>();
  private double[] probabilities;
  private long version;
  private long skipped;

  UpdateSchedule(ApplyMode apply, int lagSteps, double[] probabilities) {
    this.apply = apply;
    this.lagSteps = lagSteps;
    this.probabilities = probabilities.clone();
  }

  /** An update's observation taken after {@code version} steps was sent. */
  void sent(long version) {
    sent(version, true);
  }

  /** An observation taken after {@code version} steps was sent; {@code update}: probabilities are due. */
  void sent(long version, boolean update) {
    outstanding.put(version, update);
  }

  /**
   * Its probabilities arrived while {@code step} is the next step; false when that observation was
   * already given up on (a late answer after a timeout), which is then ignored.
   */
  boolean received(long version, double[] probabilities, long step) {
    if (outstanding.remove(version) == null) {
      return false;
    }
    long effective = apply == ApplyMode.FREE ? step : Math.max(step, version + lagSteps);
    pending.put(effective, new WeightUpdate(version, effective, probabilities));
    return true;
  }

  /** A measurement's answer arrived; false when it was no longer awaited. */
  boolean measured(long version) {
    return outstanding.remove(version) != null;
  }

  /** No answer will come for {@code version}; true when it was still awaited (one skipped update). */
  boolean giveUp(long version) {
    if (outstanding.remove(version) == null) {
      return false;
    }
    skipped++;
    return true;
  }

  /** The update whose probabilities must be in effect before {@code step} and are still missing. */
  Long blockingVersion(long step) {
    if (apply == ApplyMode.FREE) {
      return null;
    }
    for (var e : outstanding.entrySet()) {
      if (e.getValue()) {
        return e.getKey() + lagSteps <= step ? e.getKey() : null;
      }
    }
    return null;
  }

  /** Puts into effect every update due at {@code step}, in order; what changed, for the log. */
  List<WeightUpdate> applyDue(long step) {
    List<WeightUpdate> applied = new ArrayList<>();
    while (!pending.isEmpty() && pending.firstKey() <= step) {
      WeightUpdate next = pending.pollFirstEntry().getValue();
      probabilities = next.probabilities();
      version = next.version();
      applied.add(new WeightUpdate(version, step, probabilities));
    }
    return applied;
  }

  /** Every observation awaited, updates and measurements. */
  NavigableSet<Long> outstanding() {
    return java.util.Collections.unmodifiableNavigableSet(outstanding.navigableKeySet());
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

  /** The updates waiting for their step, in order (values: nothing to copy). */
  List<WeightUpdate> pending() {
    return List.copyOf(pending.values());
  }

  /** Back to where a checkpoint left it (nothing is outstanding at a checkpoint). */
  void restore(double[] probabilities, long version, List<WeightUpdate> waiting, long skipped) {
    this.probabilities = probabilities.clone();
    this.version = version;
    pending.clear();
    outstanding.clear();
    for (WeightUpdate p : waiting) {
      pending.put(p.effectiveStep(), p);
    }
    this.skipped = skipped;
  }
}
