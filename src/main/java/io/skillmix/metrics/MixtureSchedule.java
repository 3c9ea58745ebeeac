package io.skillmix.metrics;

import io.skillmix.UserError;
import io.skillmix.output.RunFolder;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The sampling probabilities a run followed, read back from its folder: every change of
 * {@code weights.jsonl} (the step it took effect, its snapshot version, the probabilities) and,
 * from the train lines of {@code metrics.jsonl}, how many examples the run drew while each was in
 * effect. What {@code mixture export} writes out and what the {@code fixed} and {@code replay}
 * mixing policies follow in another run.
 *
 * <p>Steps are the learner's 0-based step numbers: change k is in effect for steps
 * [step_k, step_{k+1}); the last one until the run's end. {@link #steps()} is how many steps the
 * run trained (its last train line's step + 1), so change k takes effect at the fraction
 * step_k / steps of the run.
 *
 * @param datasets the dataset names, the order of every probability array
 * @param changes the lines of {@code weights.jsonl}, the prior (step 0) first
 * @param drawnInEffect per change: examples the run drew (all datasets) while it was in effect;
 *     when {@link #weighting()} is {@code "steps"}, the steps it was in effect instead
 * @param drawn per dataset: examples the run drew from it (0 without per-dataset counts)
 * @param steps steps the run trained; 0 when {@code metrics.jsonl} has no train line
 * @param weighting {@code "examples"}, or {@code "steps"} for a run whose train lines predate
 *     per-dataset example counts (every step then weighs the same: one batch)
 */
public record MixtureSchedule(List<String> datasets, List<WeightUpdate> changes, long[] drawnInEffect,
    long[] drawn, long steps, String weighting) {

  public MixtureSchedule {
    datasets = List.copyOf(datasets);
    changes = List.copyOf(changes);
    drawnInEffect = drawnInEffect.clone();
    drawn = drawn.clone();
  }

  /**
   * Reads a run folder (a {@code train} run, or one arm and seed of {@code compare}:
   * {@code OUT/ARM/seed-K}).
   *
   * @throws UserError naming the folder when it has no {@code weights.jsonl} or it is empty
   */
  public static MixtureSchedule read(Path runDir) {
    Path weightsFile = runDir.resolve(RunFolder.WEIGHTS);
    if (!Files.isRegularFile(weightsFile)) {
      throw new UserError(runDir + ": no " + RunFolder.WEIGHTS + " here; give the folder of a skillmix run"
          + " (train's run.dir, or a compare arm's OUT/ARM/seed-K)");
    }
    MetricsLog.Weights weights = MetricsLog.weights(weightsFile);
    if (weights.lines().isEmpty()) {
      throw new UserError(weightsFile + ": has no probabilities yet (the run wrote none before it stopped)");
    }
    List<String> names = weights.datasets();
    List<WeightUpdate> changes = weights.lines();
    long[] inEffect = new long[changes.size()];
    long[] perStep = new long[changes.size()];
    long[] drawn = new long[names.size()];
    long last = -1;
    boolean counted = true;
    for (MetricsSink.Command record : MetricsLog.read(runDir.resolve(RunFolder.METRICS), names)) {
      if (!(record instanceof MetricsSink.TrainStep t)) {
        continue;
      }
      int k = changeAt(changes, t.step());
      long examples = 0;
      for (int d = 0; d < names.size(); d++) {
        int n = t.datasetExamples()[d];
        counted &= n >= 0; // -1: a line written before per-dataset counts
        examples += Math.max(0, n);
        drawn[d] += Math.max(0, n);
      }
      inEffect[k] += examples;
      perStep[k]++;
      last = Math.max(last, t.step());
    }
    return new MixtureSchedule(names, changes, counted ? inEffect : perStep, drawn, last + 1,
        counted ? "examples" : "steps");
  }

  /** Index of the change in effect at {@code step}: the last one that took effect at or before it. */
  private static int changeAt(List<WeightUpdate> changes, long step) {
    int k = 0;
    for (int i = 0; i < changes.size(); i++) {
      if (changes.get(i).effectiveStep() <= step) {
        k = i;
      }
    }
    return k;
  }

  /** The probabilities in effect at the end of the run (its last change). */
  public double[] last() {
    return changes.get(changes.size() - 1).probabilities();
  }

  /** The change in effect at training step {@code step} (0-based). */
  public WeightUpdate at(long step) {
    return changes.get(changeAt(changes, step));
  }

  /**
   * The draw-weighted mean of the schedule, what the run actually sampled from: each change's
   * probability vector weighted by the examples drawn while it was in effect,
   * p̄ = Σ_k n_k · p_k / Σ_k n_k (by steps instead for a run without per-dataset counts; the two
   * agree whenever every step draws train.batch-size examples).
   *
   * @throws UserError when the run trained no step (nothing was drawn to weigh by)
   */
  public double[] average() {
    long total = 0;
    for (long n : drawnInEffect) {
      total += n;
    }
    if (total == 0) {
      throw new UserError("the run has no train lines in " + RunFolder.METRICS
          + ", so nothing was drawn to average over; use its final probabilities instead");
    }
    double[] mean = new double[datasets.size()];
    for (int k = 0; k < changes.size(); k++) {
      double[] p = changes.get(k).probabilities();
      for (int d = 0; d < mean.length; d++) {
        mean[d] += p[d] * drawnInEffect[k] / total;
      }
    }
    return mean;
  }

  /** Share of the run's steps done when change {@code k} took effect (0 for the prior). */
  public double fraction(int k) {
    requireSteps();
    return (double) changes.get(k).effectiveStep() / steps;
  }

  /**
   * The change in effect at step {@code step} of a run of {@code targetSteps} steps that follows
   * this schedule by training progress: the last change k whose fraction step_k / steps is at most
   * step / targetSteps (compared exactly, in integers), so a schedule learned over 500 steps puts
   * each change at the same fraction of a 5,000-step run.
   */
  public WeightUpdate atFraction(long step, long targetSteps) {
    return changes.get(indexAtFraction(step, targetSteps));
  }

  /** The index of {@link #atFraction}'s change. */
  public int indexAtFraction(long step, long targetSteps) {
    requireSteps();
    BigInteger progress = BigInteger.valueOf(step).multiply(BigInteger.valueOf(steps));
    int k = 0;
    for (int i = 0; i < changes.size(); i++) {
      // step_i / steps <= step / targetSteps, in integers: no rounding at any length
      if (BigInteger.valueOf(changes.get(i).effectiveStep()).multiply(BigInteger.valueOf(targetSteps))
          .compareTo(progress) <= 0) {
        k = i;
      }
    }
    return k;
  }

  /**
   * What identifies this schedule: a SHA-256 of every change (step, version, probabilities) and the
   * run's length, so a run that follows it can tell on resume that it is still the same.
   */
  public String fingerprint() {
    StringBuilder text = new StringBuilder(String.join(",", datasets)).append('|').append(steps);
    for (WeightUpdate w : changes) {
      text.append('|').append(w.effectiveStep()).append(':').append(w.version()).append(':')
          .append(java.util.Arrays.toString(w.probabilities()));
    }
    try {
      byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
          .digest(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(hash);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The first step of a {@code targetSteps}-step run at which change {@code k} is in effect when it
   * follows this schedule by progress: ceil(step_k × targetSteps / steps).
   */
  public long stepIn(int k, long targetSteps) {
    requireSteps();
    BigInteger[] qr = BigInteger.valueOf(changes.get(k).effectiveStep()).multiply(BigInteger.valueOf(targetSteps))
        .divideAndRemainder(BigInteger.valueOf(steps));
    return qr[0].longValueExact() + (qr[1].signum() > 0 ? 1 : 0);
  }

  private void requireSteps() {
    if (steps == 0) {
      throw new UserError("the run has no train lines in " + RunFolder.METRICS
          + ", so its schedule has no length to follow by progress");
    }
  }

  @Override
  public long[] drawnInEffect() {
    return drawnInEffect.clone();
  }

  @Override
  public long[] drawn() {
    return drawn.clone();
  }
}
