package io.skillmix.mix;

import io.skillmix.UserError;
import io.skillmix.config.ConfigSection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The static mixtures, each a {@link MixturePolicy} that keeps its prior for the whole run (the
 * heuristic baselines of MoS Eq. 3): {@code prop}, {@code temp}, {@code uni} and {@code fixed}.
 */
public final class StaticPolicies {

  private StaticPolicies() {}

  /** A plan that never acts: the learner trains on {@code prior(sizes)} throughout. */
  private record StaticPlan(String describe, java.util.function.Function<long[], double[]> prior)
      implements MixturePolicy.Plan {

    @Override
    public int updateEvery() {
      return 0;
    }

    @Override
    public PolicyTiming.Point after(long stepsDone) {
      return PolicyTiming.Point.NONE;
    }

    @Override
    public MixturePolicy.Agent start(long[] sizes) {
      return new StaticAgent(prior.apply(sizes));
    }
  }

  /** Holds its prior; it is never asked to observe, and has no state to save. */
  private record StaticAgent(double[] prior) implements MixturePolicy.Agent {

    @Override
    public double[] probabilities() {
      return prior.clone();
    }

    @Override
    public MixturePolicy.Update observe(MixturePolicy.Observation observation) {
      throw new IllegalStateException("a static mixture observes nothing");
    }

    @Override
    public Object exportState() {
      return List.of();
    }

    @Override
    public void importState(String json) {}
  }

  private abstract static class Static implements MixturePolicy {
    @Override
    public boolean learned() {
      return false;
    }
  }

  /** {@code prop}: by size, p_i = n_i / Σ n_j. */
  public static final class Prop extends Static {
    @Override
    public String name() {
      return "prop";
    }

    @Override
    public Plan plan(Setup setup) {
      return new StaticPlan("prop (proportional to size)", Prior::proportional);
    }
  }

  /** {@code uni}: every dataset alike (stratified sampling). */
  public static final class Uni extends Static {
    @Override
    public String name() {
      return "uni";
    }

    @Override
    public Plan plan(Setup setup) {
      return new StaticPlan("uni (uniform)", sizes -> Prior.temperature(sizes, Double.POSITIVE_INFINITY));
    }
  }

  /** {@code temp}: the temperature prior p_i ∝ n_i^(1/τ), τ = {@code mix.temp.temperature} (10 in the paper). */
  public static final class Temp extends Static {
    @Override
    public String name() {
      return "temp";
    }

    @Override
    public Plan plan(Setup setup) {
      ConfigSection own = setup.own(this);
      double tau = own.temperature("temperature");
      return new StaticPlan(String.format(Locale.ROOT, "temp (τ = %s)", Prior.tau(tau)),
          sizes -> Prior.temperature(sizes, tau));
    }
  }

  /** {@code fixed}: the user's weights, {@code mix.fixed.weights}, normalised. */
  public static final class Fixed extends Static {
    @Override
    public String name() {
      return "fixed";
    }

    @Override
    public Plan plan(Setup setup) {
      double[] p = weights(setup.own(this), setup.datasets());
      return new StaticPlan("fixed " + java.util.Arrays.toString(p), sizes -> p.clone());
    }

    /**
     * The weights in dataset order, normalised to sum to 1: every dataset of the mix needs a finite
     * weight of 0 or more, at least one of them positive, and none may name a dataset not in the
     * mix. The sum is taken after dividing by the largest weight, so even weights near the largest
     * double (1e308) normalise without overflowing.
     */
    static double[] weights(ConfigSection own, List<String> names) {
      String key = own.key("weights");
      Map<String, Double> weights = own.numbers("weights");
      if (weights.isEmpty()) {
        throw new UserError(key + " is missing: mix.method = fixed needs a weight of 0 or more for every dataset ("
            + String.join(", ", names) + "), e.g. " + key + " { " + names.get(0) + " = 0.7, ... }");
      }
      for (String given : weights.keySet()) {
        if (!names.contains(given)) {
          throw new UserError(key + "." + given + ": the mix has no dataset '" + given + "'; its datasets are "
              + String.join(", ", names));
        }
      }
      double[] p = new double[names.size()];
      double max = 0;
      for (int i = 0; i < p.length; i++) {
        Double w = weights.get(names.get(i));
        if (w == null || !(w >= 0) || Double.isInfinite(w)) {
          throw new UserError(key + "." + names.get(i) + (w == null ? " is missing" : " = " + w + " is not a weight")
              + ": mix.method = fixed needs a weight of 0 or more for every dataset (" + String.join(", ", names) + ")");
        }
        p[i] = w;
        max = Math.max(max, w);
      }
      if (!(max > 0)) {
        throw new UserError(key + " are all 0: give at least one dataset a positive weight");
      }
      double total = 0;
      for (int i = 0; i < p.length; i++) {
        p[i] /= max;
        total += p[i];
      }
      for (int i = 0; i < p.length; i++) {
        p[i] /= total;
      }
      return p;
    }
  }
}
