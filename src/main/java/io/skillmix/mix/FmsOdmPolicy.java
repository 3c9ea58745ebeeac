package io.skillmix.mix;

import io.skillmix.UserError;
import io.skillmix.checkpoint.StateJson;
import io.skillmix.config.ConfigSection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * IBM's fms ODM (fms-acceleration, plugin online-data-mixing, {@code odm/dataset.py} and
 * {@code odm/reward.py}; the production SFT mixer of fms-hf-tuning): plain EXP3 over the datasets.
 * p_c = (1−γ)·w_c / Σ w + γ/K; every S steps ({@code update_interval}, 1 in the code), for every
 * dataset c, r̄_c = its summed reward / its count and w_c ← w_c · exp(η · (r̄_c / p_c) / K) with p the
 * probabilities before the update. The weights are kept as log w: the code's float64 w overflows.
 * The rewards ({@code mix.fms-odm.reward}):
 *
 * <ul>
 *   <li>{@code entropy} (the default), {@code entropy3_varent1}, {@code entropy_last_token},
 *       {@code validation_loss}: on held-out examples, by the evaluator ({@link FmsRewards}).
 *   <li>{@code train_loss}: a buffer per dataset, 1e-100 at the start; the buffer of the dataset
 *       drawn last gets the last training loss (the code reads the last logged loss, HF's mean over
 *       {@code logging_steps}; the same at 1), and r̄ is the buffer.
 *   <li>{@code gradnorm}: likewise with 1 / (the last gradient norm + 1e-4).
 * </ul>
 * The code saves the sampler in a checkpoint but not its reward buffers; here the whole state is saved.
 */
public final class FmsOdmPolicy implements MixturePolicy {

  static final List<String> REWARDS = List.of("entropy", "entropy3_varent1", "entropy_last_token", "train_loss",
      "validation_loss", "gradnorm");

  @Override
  public String name() {
    return "fms-odm";
  }

  @Override
  public Map<String, String> variants() {
    Map<String, String> v = new LinkedHashMap<>();
    REWARDS.stream().filter(r -> !r.equals("entropy")).forEach(r -> v.put(r, "reward=" + r));
    return v;
  }

  @Override
  public Plan plan(Setup setup) {
    ConfigSection own = setup.own(this);
    String reward = own.oneOf("reward", REWARDS.toArray(String[]::new));
    double gamma = own.fraction("gamma");
    double eta = own.positive("eta");
    double tau = own.temperature("prior-temperature");
    int evalExamples = own.nonNegativeInt("eval-examples");
    int vocab = own.nonNegativeInt("vocab-size");
    boolean fromTraining = reward.equals("train_loss") || reward.equals("gradnorm");
    EvaluatorWork work = fromTraining ? null : EvaluatorWork.checked(new EvaluatorWork(new FmsRewards(reward, vocab),
        new Reward.Context(own, -1, setup.seed()), evalExamples == 0 ? EvaluatorWork.ALL_HELD_OUT : evalExamples));
    int every = setup.updateEvery(1); // the plugin's update_interval
    String described = String.format(Locale.ROOT, "fms-odm (EXP3, reward %s, γ = %s, η = %s, from the prior at τ = %s,"
        + " updated every %d step%s%s)", reward, gamma, eta, Prior.tau(tau), every, every == 1 ? "" : "s",
        fromTraining ? "" : evalExamples == 0 ? "; every held-out example" : "; " + evalExamples + " held-out examples");
    return new LearnedPlan(every, PolicyTiming.every(every), work, fromTraining, described,
        sizes -> new Exp3(Prior.temperature(sizes, tau), reward, gamma, eta), LearnedPlan.ANY_STATE);
  }

  /** EXP3 on log-weights with the code's reward buffers: all its state. */
  static final class Exp3 implements Agent {

    /** log w and the reward buffer (1e-100 each at the start, as the code's). */
    record State(double[] logWeights, double[] buffer) {}

    private final String reward;
    private final double gamma;
    private final double eta;
    private double[] logW;
    private double[] buffer;

    Exp3(double[] prior, String reward, double gamma, double eta) {
      if (prior.length < 1) {
        throw new UserError("there are no datasets to mix");
      }
      this.reward = reward;
      this.gamma = gamma;
      this.eta = eta;
      this.logW = new double[prior.length];
      for (int i = 0; i < prior.length; i++) {
        logW[i] = Math.log(prior[i]); // w ∝ the prior: w = 1 for the uniform one, as the code starts
      }
      this.buffer = new double[prior.length];
      java.util.Arrays.fill(buffer, 1e-100);
    }

    @Override
    public double[] probabilities() {
      double[] soft = Scorer.softmax(logW);
      int k = soft.length;
      for (int i = 0; i < k; i++) {
        soft[i] = (1 - gamma) * soft[i] + gamma / k;
      }
      return soft;
    }

    @Override
    public Update observe(Observation observation) {
      double[] mean = switch (reward) {
        case "train_loss", "gradnorm" -> {
          for (StepLosses step : observation.steps()) {
            buffer[step.lastDataset()] = reward.equals("train_loss") ? step.loss() : 1 / (step.gradNorm() + 1e-4);
          }
          yield buffer.clone();
        }
        case "validation_loss" -> {
          buffer = observation.rewards().clone();
          yield buffer.clone();
        }
        default -> observation.rewards().clone(); // the evaluator's mean over held-out examples
      };
      double[] p = probabilities();
      int k = p.length;
      for (int c = 0; c < k; c++) {
        logW[c] += eta * (mean[c] / p[c]) / k;
      }
      return new Update(mean, logW.clone(), probabilities());
    }

    @Override
    public Object exportState() {
      return new State(logW.clone(), buffer.clone());
    }

    @Override
    public void importState(String json) {
      State s = StateJson.read(json, State.class, "the fms-odm policy");
      logW = s.logWeights().clone();
      buffer = s.buffer().clone();
    }
  }
}
