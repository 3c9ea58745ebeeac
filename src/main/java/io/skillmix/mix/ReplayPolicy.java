package io.skillmix.mix;

import io.skillmix.UserError;
import io.skillmix.config.ConfigSection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code replay}: follows the schedule of another run ({@code mix.replay.schedule-from = RUN_DIR})
 * by training progress. A change the source made at step s of its S steps takes effect here at the
 * first step t of this run's T with t / T ≥ s / S, t = ceil(s·T / S): a schedule learned over 500
 * steps drives a 5,000-step run with each change at the same fraction of training. It learns nothing
 * (no scorer, no evaluator), so each change takes effect at exactly its step whatever
 * {@code mix.apply} says ({@link PolicyTiming#scheduled}), and a resumed run makes the same changes
 * at the same steps. The two runs' datasets must be the same, by name; each replayed set of
 * probabilities is put within the guardrails ({@code mix.min-probability}, {@code mix.max-probability}).
 */
public final class ReplayPolicy implements MixturePolicy {

  @Override
  public String name() {
    return "replay";
  }

  @Override
  public boolean learned() {
    return false;
  }

  @Override
  public Plan plan(Setup setup) {
    ConfigSection own = setup.own(this);
    String key = own.key("schedule-from");
    SourceMixture source = SourceMixture.read(key, own.string("schedule-from"), setup.datasets());
    if (source.schedule().steps() == 0) {
      throw new UserError(key + " = " + source.dir() + ": that run has no train lines in metrics.jsonl, so its"
          + " schedule has no length to follow by progress");
    }
    Guardrails guardrails = Guardrails.read(setup.mix(), setup.datasets());
    List<double[]> changes = new ArrayList<>();
    source.changes().forEach(w -> changes.add(guardrails.apply(w.probabilities())));
    return new ReplayPlan(source, changes);
  }

  /** Never observes; at each change's step of this run, its probabilities. */
  private record ReplayPlan(SourceMixture source, List<double[]> changes) implements Plan {

    @Override
    public int updateEvery() {
      return 0;
    }

    @Override
    public PolicyTiming.Point after(long stepsDone) {
      return PolicyTiming.Point.NONE;
    }

    @Override
    public double[] scheduled(long step, long steps) {
      if (step == 0) {
        return null; // the start: the agent's prior, already in effect and logged
      }
      int now = source.schedule().indexAtFraction(step, steps);
      return now == source.schedule().indexAtFraction(step - 1, steps) ? null : changes.get(now).clone();
    }

    @Override
    public String describe() {
      return String.format(Locale.ROOT, "replay of %s: %d sets of probabilities over its %d steps, each at the same"
          + " fraction of this run (schedule %s)", source.dir(), changes.size(), source.schedule().steps(),
          source.schedule().fingerprint().substring(0, 12));
    }

    @Override
    public Agent start(long[] sizes) {
      return new Holding(changes.get(source.schedule().indexAtFraction(0, 1)));
    }
  }

  /** Holds the start probabilities; it observes nothing and has no state (the schedule is a function of the step). */
  private record Holding(double[] prior) implements Agent {

    @Override
    public double[] probabilities() {
      return prior.clone();
    }

    @Override
    public Update observe(Observation observation) {
      throw new IllegalStateException("a replay observes nothing");
    }

    @Override
    public Object exportState() {
      return List.of();
    }

    @Override
    public void importState(String json) {}
  }
}
