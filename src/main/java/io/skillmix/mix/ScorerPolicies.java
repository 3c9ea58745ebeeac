package io.skillmix.mix;

import io.skillmix.checkpoint.StateJson;
import io.skillmix.config.ConfigSection;
import java.util.Locale;

/**
 * The policies that learn the mixture with the MoS scorer (DESIGN §2): {@code mos} on its reward
 * ({@code mix.mos.reward}), and the paper's baselines in the same framework, {@code multidds} and
 * {@code multiuat}, each on its own reward. Every S steps the evaluator computes one reward per
 * dataset; the agent smooths them (Eq. 11, when the policy's {@code ema} is on) and takes Adam steps
 * on the scorer ({@link Scorer}). The scorer's settings are shared: {@code mix.scorer.*}.
 */
public final class ScorerPolicies {

  private ScorerPolicies() {}

  /** The shared part: S, the scorer's settings, the reward and the EMA of one of the three. */
  private abstract static class ScorerPolicy implements MixturePolicy {

    /** The reward this policy learns from. */
    abstract Reward reward(Setup setup, ConfigSection own);

    /** MoSpec's target (mos only), or -1. */
    int specialist(Setup setup, ConfigSection own) {
      return -1;
    }

    @Override
    public Plan plan(Setup setup) {
      ConfigSection own = setup.own(this);
      ConfigSection scorer = setup.mix().section("scorer");
      ScorerKind kind = ScorerKind.parse(scorer.key("kind"), scorer.string("kind"));
      int steps = scorer.positiveInt("steps");
      double lr = scorer.positive("lr");
      Scorer.UpdateRule rule = Scorer.UpdateRule.parse(scorer.key("update"), scorer.string("update"));
      double tau = scorer.temperature("prior-temperature");
      boolean official = scorer.oneOf("warm-start", "official", "exact").equals("official");
      boolean ema = own.flag("ema");
      double alpha = own.between("ema-alpha", 0, 1);
      if (ema && !(alpha > 0)) {
        throw new io.skillmix.UserError(own.key("ema-alpha") + " = 0 leaves no weight to the new reward; use (0, 1]"
            + " (0.9 in the paper)");
      }
      Reward reward = reward(setup, own);
      EvaluatorWork work = EvaluatorWork.of(reward, setup.mix(), specialist(setup, own), setup.seed());
      int every = setup.updateEvery(setup.paperUpdateEvery());
      String described = String.format(Locale.ROOT, "%s (reward %s%s; scorer %s warm-started (%s) to the prior at"
          + " τ = %s, %d %s steps at lr %s per update, updated every %d steps)", name(), reward.name(),
          ema ? " + EMA α = " + alpha : "", kind, official ? "official" : "exact", Prior.tau(tau), steps,
          rule.toString().toLowerCase(Locale.ROOT), lr, every);
      long seed = setup.seed();
      return new LearnedPlan(every, PolicyTiming.every(every), work, false, described, sizes -> {
        Scorer s = Scorer.create(kind, sizes.length, lr, seed);
        double[] prior = Prior.temperature(sizes, tau);
        if (official) {
          s.warmStartOfficial(prior);
        } else {
          s.warmStart(prior);
        }
        return new ScorerAgent(s, new RewardEma(sizes.length, alpha, ema), steps, rule);
      }, (agentState, checkpoint) -> {
        String saved = StateJson.read(agentState, ScorerAgent.State.class, "the scorer").scorer().kind();
        if (!saved.equals(kind.toString())) {
          throw new io.skillmix.UserError(checkpoint + ": the checkpoint's scorer is " + saved + " but "
              + scorer.key("kind") + " = " + kind + "; resume with the run's own " + scorer.key("kind"));
        }
      });
    }
  }

  /** ψ, its optimizer and the reward EMA; the state's JSON is the one checkpoints have always had. */
  static final class ScorerAgent implements MixturePolicy.Agent {

    /** ψ with its optimizer and RNG, and the reward EMA: all the agent's state. */
    record State(Scorer.State scorer, double[] ema) {}

    private final Scorer scorer;
    private final RewardEma ema;
    private final int steps;
    private final Scorer.UpdateRule rule;

    ScorerAgent(Scorer scorer, RewardEma ema, int steps, Scorer.UpdateRule rule) {
      this.scorer = scorer;
      this.ema = ema;
      this.steps = steps;
      this.rule = rule;
    }

    @Override
    public double[] probabilities() {
      return scorer.probabilities();
    }

    @Override
    public MixturePolicy.Update observe(MixturePolicy.Observation observation) {
      double[] smoothed = ema.update(observation.rewards());
      scorer.update(rule, smoothed, steps);
      return new MixturePolicy.Update(observation.rewards().clone(), smoothed, scorer.probabilities());
    }

    @Override
    public Object exportState() {
      return new State(scorer.exportState(), ema.exportState());
    }

    @Override
    public void importState(String json) {
      State state = StateJson.read(json, State.class, "the scorer");
      scorer.importState(state.scorer());
      ema.importState(state.ema());
    }
  }

  /** Mixture-of-Skills: the scorer on {@code mix.mos.reward}; MoSpec with {@code mix.mos.specialist}. */
  public static final class Mos extends ScorerPolicy {
    @Override
    public String name() {
      return "mos";
    }

    /** auto: cossim, the paper's transferability, on the user's data; builtin-reward on the built-in mix. */
    @Override
    Reward reward(Setup setup, ConfigSection own) {
      String key = own.key("reward");
      String name = own.string("reward");
      if (name.equals("auto")) {
        key = setup.builtin() ? own.key("builtin-reward") : key;
        name = setup.builtin() ? own.string("builtin-reward") : "cossim";
      }
      return Rewards.parse(key, name);
    }

    @Override
    int specialist(Setup setup, ConfigSection own) {
      String name = own.string("specialist");
      return name.isEmpty() ? -1 : setup.datasetIndex(own.key("specialist"), name);
    }
  }

  /** MultiDDS (Wang et al. 2020) in the MoS framework: the scorer on gradient similarity. */
  public static final class MultiDds extends ScorerPolicy {
    @Override
    public String name() {
      return "multidds";
    }

    @Override
    Reward reward(Setup setup, ConfigSection own) {
      return Rewards.named("multidds");
    }
  }

  /** MultiUAT (Wu et al. 2021) in the MoS framework: the scorer on predictive uncertainty. */
  public static final class MultiUat extends ScorerPolicy {
    @Override
    public String name() {
      return "multiuat";
    }

    @Override
    Reward reward(Setup setup, ConfigSection own) {
      return Rewards.named("multiuat");
    }
  }
}
