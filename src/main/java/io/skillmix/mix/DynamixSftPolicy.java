package io.skillmix.mix;

import io.skillmix.checkpoint.StateJson;
import io.skillmix.config.ConfigSection;
import java.util.Locale;

/**
 * DynamixSFT (Shin et al. 2025, arXiv 2508.12116; no public code, so the paper's formulas): a
 * prior-anchored softmax over the datasets, p_k = (1−γ)·exp(β·Q_k)·p⁰_k / Σ_j exp(β·Q_j)·p⁰_j + γ/K,
 * p⁰ the proportional mixture (the paper's; {@code mix.dynamixsft.prior-temperature} = 1). Every
 * T = 50 steps (S) the evaluator computes each dataset's one-step look-ahead reward r_i
 * ({@link LookaheadReward}); r is min–max normalised over the datasets (all equal: r̃ = 0.5) and
 * Q_i ← α·Q_i + (1−α)·r̃_i, Q = 0 at the start. Constants γ = 0.3, α = 0.95, β = 4. What the paper
 * leaves open is a key: the virtual step's rate ({@code virtual-lr}: auto, the learner's own; plain
 * SGD, {@code virtual-optimizer = sgd}, the one offered) and |B_i| ({@code batch-size}).
 */
public final class DynamixSftPolicy implements MixturePolicy {

  @Override
  public String name() {
    return "dynamixsft";
  }

  @Override
  public Plan plan(Setup setup) {
    ConfigSection own = setup.own(this);
    double gamma = own.fraction("gamma");
    double alpha = own.fraction("alpha");
    double beta = own.nonNegative("beta");
    double tau = own.temperature("prior-temperature");
    own.oneOf("virtual-optimizer", "sgd");
    double lr = own.isAuto("virtual-lr") ? Double.NaN : own.positive("virtual-lr");
    int batch = own.positiveInt("batch-size");
    EvaluatorWork work = EvaluatorWork.checked(new EvaluatorWork(new LookaheadReward(lr),
        new Reward.Context(own, -1, setup.seed()), batch));
    int every = setup.updateEvery(50); // the paper's T
    String described = String.format(Locale.ROOT, "dynamixsft (γ = %s, α = %s, β = %s, from the prior at τ = %s;"
        + " look-ahead: one SGD step at %s on %d examples per dataset, updated every %d steps)", gamma, alpha, beta,
        Prior.tau(tau), Double.isNaN(lr) ? "the learner's rate" : "lr " + lr, batch, every);
    return new LearnedPlan(every, PolicyTiming.every(every), work, false, described,
        sizes -> new Anchored(Prior.temperature(sizes, tau), gamma, alpha, beta), LearnedPlan.ANY_STATE);
  }

  /** Q and the prior it is anchored to. */
  static final class Anchored implements Agent {

    private final double[] prior;
    private final double gamma;
    private final double alpha;
    private final double beta;
    private double[] q;

    Anchored(double[] prior, double gamma, double alpha, double beta) {
      this.prior = prior.clone();
      this.gamma = gamma;
      this.alpha = alpha;
      this.beta = beta;
      this.q = new double[prior.length];
    }

    @Override
    public double[] probabilities() {
      int k = prior.length;
      double[] z = new double[k];
      for (int i = 0; i < k; i++) {
        z[i] = beta * q[i] + Math.log(prior[i]); // exp(β Q_k) p⁰_k, normalised below in log space
      }
      double[] p = Scorer.softmax(z);
      for (int i = 0; i < k; i++) {
        p[i] = (1 - gamma) * p[i] + gamma / k;
      }
      return p;
    }

    @Override
    public Update observe(Observation observation) {
      double[] r = observation.rewards();
      double[] normalised = minMax(r);
      for (int i = 0; i < q.length; i++) {
        q[i] = alpha * q[i] + (1 - alpha) * normalised[i];
      }
      return new Update(r.clone(), q.clone(), probabilities());
    }

    /** (r − min) / (max − min); 0.5 for every dataset when they are all equal. */
    static double[] minMax(double[] r) {
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (double x : r) {
        min = Math.min(min, x);
        max = Math.max(max, x);
      }
      double[] out = new double[r.length];
      for (int i = 0; i < r.length; i++) {
        out[i] = max > min ? (r[i] - min) / (max - min) : 0.5;
      }
      return out;
    }

    @Override
    public Object exportState() {
      return new double[][] {q.clone()};
    }

    @Override
    public void importState(String json) {
      q = StateJson.read(json, double[][].class, "the dynamixsft policy")[0].clone();
    }
  }
}
