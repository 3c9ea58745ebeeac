package io.skillmix.mix;

import io.skillmix.UserError;
import io.skillmix.checkpoint.StateJson;
import io.skillmix.config.ConfigSection;
import java.util.Locale;

/**
 * Aioli (Chen et al., ICLR 2025, arXiv 2411.05735; code HazyResearch/aioli,
 * {@code trainer/aioli_trainer.py}). Training runs in rounds of U = S steps. A round starts with
 * LearnParams, real training steps: for {@code lp-rounds} random permutations of the K datasets, the
 * learner trains {@code lp-steps} steps on the smoothed one-hot mixture w_j (ohf on j, (1−ohf)/(K−1)
 * elsewhere) that the permutation names, and the whole held-out set of every dataset is evaluated
 * after each such block and before the first; G[:, j] += (previous loss − new loss), the previous
 * loss chained from block to block. Then G /= lp-rounds and A = solve(W, G) row by row (W[j] = w_j;
 * A = G when ohf = 1); if min A < 0, A −= min A; A /= Σ A ({@code aioli_normalize_A}, which every
 * script of the code sets). The code's default path ({@code --ema}, {@code update = ema}): Ā = A in
 * the first round, else (1−γ)·A + γ·Ā; p ∝ exp(η·colsum Ā), not cumulative. Its other path
 * ({@code update = cumulative}): p ∝ p·exp(η·colsum A). The rest of the round trains on p.
 *
 * <p>Here the held-out evaluations are the evaluator's (on a snapshot after each block), so in
 * lagged mode they overlap the next block's training; the blocks' mixtures are dictated to the
 * learner from a permutation that depends on the seed and the round alone (the code draws them from
 * numpy's global generator). The code's round budgets its data as {@code update_steps · batch −
 * lp_duration} examples, mixing steps and examples; its loop still ends each round after
 * {@code update_steps} steps, as here.
 */
public final class AioliPolicy implements MixturePolicy {

  @Override
  public String name() {
    return "aioli";
  }

  @Override
  public Plan plan(Setup setup) {
    ConfigSection own = setup.own(this);
    int rounds = own.positiveInt("lp-rounds");
    int blockSteps = own.positiveInt("lp-steps");
    double eta = own.positive("eta");
    double gamma = own.fraction("gamma");
    double ohf = own.between("one-hot-factor", 0, 1);
    boolean ema = own.oneOf("update", "ema", "cumulative").equals("ema");
    int evalExamples = own.nonNegativeInt("eval-examples");
    int k = setup.datasets().size();
    if (k > 1 && ohf <= 1.0 / k) {
      throw new UserError(own.key("one-hot-factor") + " = " + ohf + " must be above 1/K = 1/" + k
          + ": the block's own dataset must get more than the others");
    }
    int learnSteps = rounds * blockSteps * k;
    int every = setup.updateEvery(250); // its scripts' update_steps
    if (every <= learnSteps) {
      throw new UserError("mix.update-every = " + every + " leaves no steps of an aioli round after LearnParams ("
          + own.key("lp-rounds") + " × " + own.key("lp-steps") + " × " + k + " datasets = " + learnSteps
          + " steps); raise it above " + learnSteps + " or lower those");
    }
    EvaluatorWork work = EvaluatorWork.checked(new EvaluatorWork(new HeldOutLossReward(),
        new Reward.Context(own, -1, setup.seed()), evalExamples == 0 ? EvaluatorWork.ALL_HELD_OUT : evalExamples));
    AioliRounds schedule = new AioliRounds(k, rounds, blockSteps, every, ohf, setup.seed());
    String described = String.format(Locale.ROOT, "aioli (rounds of %d steps, LearnParams %d × %d steps × %d datasets"
        + " at ohf %s; η = %s, %s; held-out loss on %s)", every, rounds, blockSteps, k, ohf, eta,
        ema ? "EMA γ = " + gamma : "cumulative", evalExamples == 0 ? "every held-out example" : evalExamples + " examples");
    return new LearnedPlan(every, schedule, work, false, described,
        sizes -> new LearnParams(schedule, Prior.uniform(sizes.length), eta, gamma, ema), LearnedPlan.ANY_STATE);
  }

  /** The agent: LearnParams' measurements of the round, Ā and p. */
  static final class LearnParams implements Agent {

    /**
     * @param previous the last held-out losses of the round (null before its first)
     * @param gain G of the round so far, row-major
     * @param broken a measurement of the round was missed: no update from it
     * @param average Ā, null before the first update
     */
    record State(double[] previous, double[] gain, boolean broken, double[] average, double[] probabilities) {}

    private final AioliRounds schedule;
    private final double eta;
    private final double gamma;
    private final boolean ema;
    private State s;

    LearnParams(AioliRounds schedule, double[] prior, double eta, double gamma, boolean ema) {
      this.schedule = schedule;
      this.eta = eta;
      this.gamma = gamma;
      this.ema = ema;
      int k = prior.length;
      this.s = new State(null, new double[k * k], false, null, prior.clone());
    }

    @Override
    public double[] probabilities() {
      return s.probabilities().clone();
    }

    @Override
    public void missed(long version) {
      s = new State(s.previous(), s.gain(), true, s.average(), s.probabilities());
    }

    @Override
    public Update observe(Observation observation) {
      long r = schedule.inRound(observation.version());
      double[] losses = observation.rewards();
      int k = losses.length;
      if (r == 0) { // a round begins: the baseline losses
        s = new State(losses.clone(), new double[k * k], false, s.average(), s.probabilities());
        return null;
      }
      double[] gain = s.gain().clone();
      if (s.previous() != null) {
        int j = schedule.block(observation.version() - 1);
        for (int i = 0; i < k; i++) {
          gain[i * k + j] += s.previous()[i] - losses[i];
        }
      }
      boolean broken = s.broken() || s.previous() == null;
      s = new State(losses.clone(), gain, broken, s.average(), s.probabilities());
      if (!observation.update()) {
        return null;
      }
      if (broken) {
        return null;
      }
      double[][] a = schedule.interactions(gain);
      double[][] average = a;
      if (ema && s.average() != null) {
        average = new double[k][k];
        for (int i = 0; i < k; i++) {
          for (int j = 0; j < k; j++) {
            average[i][j] = (1 - gamma) * a[i][j] + gamma * s.average()[i * k + j];
          }
        }
      }
      double[] colsum = new double[k];
      double[] z = new double[k];
      for (int j = 0; j < k; j++) {
        for (int i = 0; i < k; i++) {
          colsum[j] += average[i][j];
        }
        z[j] = eta * colsum[j] + (ema || s.average() == null ? 0 : Math.log(s.probabilities()[j]));
      }
      double[] p = Scorer.softmax(z);
      double[] flat = new double[k * k];
      for (int i = 0; i < k; i++) {
        System.arraycopy(average[i], 0, flat, i * k, k);
      }
      s = new State(s.previous(), s.gain(), false, flat, p);
      return new Update(losses.clone(), colsum, p.clone());
    }

    @Override
    public Object exportState() {
      return s;
    }

    @Override
    public void importState(String json) {
      s = StateJson.read(json, State.class, "the aioli policy");
    }
  }
}
