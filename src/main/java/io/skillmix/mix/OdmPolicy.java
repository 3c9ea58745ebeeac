package io.skillmix.mix;

import io.skillmix.checkpoint.StateJson;
import io.skillmix.config.ConfigSection;
import java.util.Locale;
import java.util.Map;

/**
 * Online Data Mixing (Albalak et al. 2023, arXiv 2312.02406; code alon-albalak/online-data-mixing,
 * {@code megatron/data/data_sampling_utils.py} and the {@code group_update} call of
 * {@code megatron/training.py}): a multi-armed bandit over the datasets whose reward is the
 * training loss the learner already computed, so it costs no extra pass. After every step t (the
 * global step, counted from 1, warm-up included) past {@code mix.odm.warmup-steps}, with
 * ε_t = min(1/K, √(ln K / (K·t))), only the datasets drawn in the step, with their mean training
 * loss L̄_i, are updated:
 *
 * <ul>
 *   <li>{@code smoothed-mean} (the code's default rule, which the paper's final runs use):
 *       R̂_i ← α·R̂_i + (1−α)·exp(L̄_i), R̂ = 0 at the start; p_i = (1 − Kε_t)·R̂_i / Σ_j R̂_j + ε_t.
 *   <li>{@code exp3} (the paper's EXP3, a named variant): R̂_i += (L̄_i / 10) / p_i, cumulative, p
 *       the probabilities before the step's update; p = (1 − Kε_t)·softmax(ε_{t−1}·R̂) + ε_t, where
 *       ε_{t−1} is the ε of the previous update (1/K before the first, as the code's
 *       {@code prev_eps}).
 * </ul>
 * With {@code mix.update-every} = S > 1 the learner sends S steps' losses at once and each step's
 * update is made in order: the same probabilities, S − 1 steps late.
 */
public final class OdmPolicy implements MixturePolicy {

  @Override
  public String name() {
    return "odm";
  }

  @Override
  public Map<String, String> variants() {
    return Map.of("exp3", "rule=exp3");
  }

  @Override
  public Plan plan(Setup setup) {
    ConfigSection own = setup.own(this);
    boolean exp3 = own.oneOf("rule", "smoothed-mean", "exp3").equals("exp3");
    double alpha = own.fraction("alpha");
    long warmup = own.whole("warmup-steps");
    if (warmup < 0) {
      throw new io.skillmix.UserError(own.key("warmup-steps") + " = " + warmup + " must be 0 or more");
    }
    double tau = own.temperature("prior-temperature");
    int every = setup.updateEvery(1); // the code updates after every step
    String described = String.format(Locale.ROOT, "odm (%s%s, warm-up %d steps, from the prior at τ = %s;"
        + " the training losses of every step, updated every %d step%s)", exp3 ? "exp3" : "smoothed mean, α = ",
        exp3 ? "" : String.valueOf(alpha), warmup, Prior.tau(tau), every, every == 1 ? "" : "s");
    return new LearnedPlan(every, PolicyTiming.every(every), null, true, described,
        sizes -> new Bandit(Prior.temperature(sizes, tau), exp3, alpha, warmup), LearnedPlan.ANY_STATE);
  }

  /** ODM's bandit: its estimates, probabilities and ε; all its state. */
  static final class Bandit implements Agent {

    /** R̂, the probabilities in effect, ε of the last update. */
    record State(double[] reward, double[] probabilities, double eps) {}

    private final boolean exp3;
    private final double alpha;
    private final long warmup;
    private double[] reward;
    private double[] p;
    private double eps;

    Bandit(double[] prior, boolean exp3, double alpha, long warmup) {
      this.exp3 = exp3;
      this.alpha = alpha;
      this.warmup = warmup;
      this.reward = new double[prior.length];
      this.p = prior.clone();
      this.eps = 1.0 / prior.length;
    }

    @Override
    public double[] probabilities() {
      return p.clone();
    }

    @Override
    public Update observe(Observation observation) {
      double[] last = new double[p.length];
      for (StepLosses step : observation.steps()) {
        long t = step.step() + 1;
        if (t > warmup) {
          update(step.losses(), t);
        }
        last = step.losses().clone();
      }
      return new Update(last, reward.clone(), p.clone());
    }

    /** One step's update from its per-dataset losses (NaN: not drawn) at global step {@code t}. */
    void update(double[] losses, long t) {
      int k = p.length;
      double epsT = Math.min(1.0 / k, Math.sqrt(Math.log(k) / ((double) k * t)));
      for (int i = 0; i < k; i++) {
        if (!Double.isNaN(losses[i])) {
          reward[i] = exp3 ? reward[i] + (losses[i] / 10) / p[i] : alpha * reward[i] + (1 - alpha) * Math.exp(losses[i]);
        }
      }
      double[] next = new double[k];
      if (exp3) {
        double[] z = new double[k];
        for (int i = 0; i < k; i++) {
          z[i] = eps * reward[i]; // ε of the previous update, as the code's prev_eps
        }
        double[] soft = Scorer.softmax(z);
        for (int i = 0; i < k; i++) {
          next[i] = (1 - k * epsT) * soft[i] + epsT;
        }
      } else {
        double total = 0;
        for (double r : reward) {
          total += r;
        }
        for (int i = 0; i < k; i++) {
          next[i] = (1 - k * epsT) * reward[i] / total + epsT;
        }
      }
      p = next;
      eps = epsT;
    }

    @Override
    public Object exportState() {
      return new State(reward.clone(), p.clone(), eps);
    }

    @Override
    public void importState(String json) {
      State s = StateJson.read(json, State.class, "the odm policy");
      reward = s.reward().clone();
      p = s.probabilities().clone();
      eps = s.eps();
    }
  }
}
