package io.skillmix.mix;

import io.skillmix.checkpoint.StateJson;
import java.util.Arrays;
import java.util.List;

/**
 * A mixing policy that exists only in the tests, to show what adding one takes: this class and its
 * line in {@code src/test/resources/META-INF/services/io.skillmix.mix.MixturePolicy}. It reads the
 * learner's training losses (no evaluator): every S steps p_i ∝ L̂_i, the mean training loss of
 * dataset i over the steps it was drawn in, smoothed across updates (L̂ ← ½ L̂ + ½ mean, L̂ = 1 at
 * the start): the datasets the model is worst at get more.
 */
public final class LossChasingPolicy implements MixturePolicy {

  @Override
  public String name() {
    return "loss-chasing";
  }

  @Override
  public Plan plan(Setup setup) {
    int every = setup.updateEvery(4);
    return new Plan() {
      @Override
      public int updateEvery() {
        return every;
      }

      @Override
      public PolicyTiming.Point after(long stepsDone) {
        return PolicyTiming.every(every).after(stepsDone);
      }

      @Override
      public boolean readsTrainingLosses() {
        return true;
      }

      @Override
      public String describe() {
        return "loss-chasing (every " + every + " steps)";
      }

      @Override
      public Agent start(long[] sizes) {
        return new Chaser(sizes.length);
      }
    };
  }

  /** L̂ per dataset: all its state. */
  private static final class Chaser implements Agent {
    private double[] smoothed;

    Chaser(int n) {
      smoothed = new double[n];
      Arrays.fill(smoothed, 1.0);
    }

    @Override
    public double[] probabilities() {
      double total = Arrays.stream(smoothed).sum();
      return Arrays.stream(smoothed).map(x -> x / total).toArray();
    }

    @Override
    public Update observe(Observation observation) {
      int n = smoothed.length;
      double[] sum = new double[n];
      int[] count = new int[n];
      for (StepLosses step : observation.steps()) {
        for (int i = 0; i < n; i++) {
          if (!Double.isNaN(step.losses()[i])) {
            sum[i] += step.losses()[i];
            count[i]++;
          }
        }
      }
      double[] mean = new double[n];
      for (int i = 0; i < n; i++) {
        mean[i] = count[i] == 0 ? smoothed[i] : sum[i] / count[i];
        smoothed[i] = 0.5 * smoothed[i] + 0.5 * mean[i];
      }
      return new Update(mean, smoothed.clone(), probabilities());
    }

    @Override
    public Object exportState() {
      return List.of(smoothed);
    }

    @Override
    public void importState(String json) {
      smoothed = StateJson.read(json, double[][].class, "loss-chasing")[0];
    }
  }
}
