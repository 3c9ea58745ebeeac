package io.skillmix.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a run recorded, kept in memory for the report and the plots. Owned by the metrics sink. */
public final class RunHistory {

  private final List<String> datasets;
  private final Map<String, List<double[]>> lossByDataset = new LinkedHashMap<>();
  private final List<long[]> weightSteps = new ArrayList<>();
  private final List<double[]> weightProbabilities = new ArrayList<>();
  private final List<MetricsSink.RewardsComputed> rewards = new ArrayList<>();
  private final List<MetricsSink.Note> notes = new ArrayList<>();
  private final List<MetricsSink.Evaluated> evaluations = new ArrayList<>();
  private final long[] stepsPerDataset;
  private final long[] examplesPerDataset;
  private long tokens;
  private long padTokens;
  private double trainSeconds;
  private double waitSeconds;
  private long lastStep;
  private double evaluatorSeconds;
  private long updatesApplied;
  private long stalenessSum;
  private long stalenessMax;
  private long snapshotsSent;
  private long snapshotsSkipped;
  private long answered;
  private double latencySum;
  private double latencyMax = Double.NaN;
  private SystemFigures written;

  RunHistory(List<String> datasets) {
    this.datasets = List.copyOf(datasets);
    this.stepsPerDataset = new long[datasets.size()];
    this.examplesPerDataset = new long[datasets.size()];
    for (String d : datasets) {
      lossByDataset.put(d, new ArrayList<>());
    }
  }

  void onTrain(MetricsSink.TrainStep m) {
    for (int d = 0; d < datasets.size(); d++) {
      if (m.has(d)) {
        lossByDataset.get(datasets.get(d)).add(new double[] {m.step(), m.datasetLosses()[d]});
        stepsPerDataset[d]++;
        examplesPerDataset[d] += Math.max(0, m.datasetExamples()[d]);
      }
    }
    tokens += m.tokens();
    padTokens += m.padTokens();
    trainSeconds += m.seconds();
    waitSeconds += m.waitSeconds();
    lastStep = m.step();
  }

  void onWeights(WeightUpdate m) {
    weightSteps.add(new long[] {m.effectiveStep(), m.version()});
    weightProbabilities.add(m.probabilities());
    if (m.version() > 0) { // version 0 is the prior, not an update
      long staleness = m.effectiveStep() - m.version();
      updatesApplied++;
      stalenessSum += staleness;
      stalenessMax = Math.max(stalenessMax, staleness);
    }
  }

  void onRewards(MetricsSink.RewardsComputed m) {
    rewards.add(m);
    evaluatorSeconds += m.evaluatorSeconds();
  }

  void onNote(MetricsSink.Note m) {
    notes.add(m);
    if (m.event().equals("skipped_update")) {
      snapshotsSkipped++;
    }
  }

  void onSent(MetricsSink.SnapshotSent m) {
    snapshotsSent++;
  }

  void onAnswered(MetricsSink.SnapshotAnswered m) {
    answered++;
    latencySum += m.latencySeconds();
    latencyMax = Double.isNaN(latencyMax) ? m.latencySeconds() : Math.max(latencyMax, m.latencySeconds());
  }

  /** The system figures the sink wrote last (at the end of the run: the whole run's), or null. */
  public SystemFigures systemFigures() {
    return written;
  }

  /** The system figures of what is recorded so far, with the wall time the sink measured; kept as the latest. */
  SystemFigures system(double wallSeconds) {
    written = new SystemFigures(wallSeconds, trainSeconds, waitSeconds, tokens, evaluatorSeconds, updatesApplied,
        updatesApplied == 0 ? Double.NaN : (double) stalenessSum / updatesApplied, stalenessMax, snapshotsSent,
        snapshotsSkipped, answered == 0 ? Double.NaN : latencySum / answered, latencyMax);
    return written;
  }

  void onEvaluated(MetricsSink.Evaluated m) {
    evaluations.add(m);
  }

  public List<String> datasets() {
    return datasets;
  }

  public Map<String, List<double[]>> lossByDataset() {
    return lossByDataset;
  }

  /** [step it took effect, version] per change, the prior first. */
  public List<long[]> weightSteps() {
    return weightSteps;
  }

  public List<double[]> weightProbabilities() {
    return weightProbabilities;
  }

  public double[] currentProbabilities() {
    return weightProbabilities.isEmpty() ? new double[0] : weightProbabilities.get(weightProbabilities.size() - 1);
  }

  public List<MetricsSink.RewardsComputed> rewards() {
    return rewards;
  }

  public List<MetricsSink.Note> notes() {
    return notes;
  }

  /** The evaluations during training ({@code eval.every}), in step order. */
  public List<MetricsSink.Evaluated> evaluations() {
    return evaluations;
  }

  /** Per dataset: the steps that had examples of it. */
  public long[] stepsPerDataset() {
    return stepsPerDataset.clone();
  }

  /** Per dataset: its examples over the run (a line from before these counts adds none). */
  public long[] examplesPerDataset() {
    return examplesPerDataset.clone();
  }

  /** Real (non-pad) tokens the steps read. */
  public long tokens() {
    return tokens;
  }

  /** Padding the steps' rows carried besides. */
  public long padTokens() {
    return padTokens;
  }

  /** Share of the positions the steps computed that were padding (0 without steps). */
  public double paddingShare() {
    long all = tokens + padTokens;
    return all == 0 ? 0 : (double) padTokens / all;
  }

  public double trainSeconds() {
    return trainSeconds;
  }

  public double waitSeconds() {
    return waitSeconds;
  }

  public long lastStep() {
    return lastStep;
  }

  /** Mean loss of a dataset over its last {@code window} steps (NaN if it had none). */
  public double recentLoss(String dataset, int window) {
    List<double[]> points = lossByDataset.getOrDefault(dataset, List.of());
    if (points.isEmpty()) {
      return Double.NaN;
    }
    double sum = 0;
    int n = 0;
    for (int i = Math.max(0, points.size() - window); i < points.size(); i++) {
      sum += points.get(i)[1];
      n++;
    }
    return sum / n;
  }
}
