package io.skillmix.mix;

import java.util.function.Function;

/**
 * The plan of a learned policy, told by its values: the policies differ in when they act, what the
 * evaluator computes for them, what they read and how their agent starts, not in how a plan works.
 *
 * @param updateEvery S: steps between updates (a round for Aioli)
 * @param timing when it acts, and the mixtures it dictates (Aioli's LearnParams); {@link PolicyTiming#every} for most
 * @param evaluator what the reward evaluator computes on each snapshot; null: no evaluator
 * @param readsTrainingLosses whether observations carry the learner's per-dataset training losses
 * @param describe the line the run prints about the policy
 * @param starter its agent for datasets of these sizes
 * @param resumeCheck refuses a checkpoint's agent state this plan cannot continue ({@link #ANY_STATE}: none)
 */
record LearnedPlan(int updateEvery, PolicyTiming timing, EvaluatorWork evaluator, boolean readsTrainingLosses,
    String describe, Function<long[], MixturePolicy.Agent> starter, ResumeCheck resumeCheck)
    implements MixturePolicy.Plan {

  /** Checks a checkpoint's agent state before a resumed run starts; throws a UserError to refuse it. */
  interface ResumeCheck {
    void check(String agentState, String checkpoint);
  }

  /** Any saved state of the policy's own agent can be continued. */
  static final ResumeCheck ANY_STATE = (agentState, checkpoint) -> {};

  @Override
  public PolicyTiming.Point after(long stepsDone) {
    return timing.after(stepsDone);
  }

  @Override
  public double[] dictated(long step) {
    return timing.dictated(step);
  }

  @Override
  public MixturePolicy.Agent start(long[] sizes) {
    return starter.apply(sizes);
  }

  @Override
  public void checkResumable(String agentState, String checkpoint) {
    resumeCheck.check(agentState, checkpoint);
  }
}
