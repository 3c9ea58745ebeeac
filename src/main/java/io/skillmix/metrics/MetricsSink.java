package io.skillmix.metrics;

import io.skillmix.CrossNode;
import io.skillmix.output.RunFolder;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The one sink for every event of a run: {@code metrics.jsonl} gets one JSON object a line,
 * {@code weights.jsonl} one line per change of the sampling probabilities, and a
 * {@link RunHistory} keeps what the report and plots need.
 */
public final class MetricsSink extends AbstractBehavior<MetricsSink.Command> {

  public sealed interface Command extends CrossNode {}

  /**
   * One optimizer step. {@code tokens}: the real (non-pad) tokens it read; {@code padTokens}: the
   * padding its rows carried besides. {@code waitSeconds}: time the learner spent waiting for data
   * or weights.
   *
   * @param loss the batch's loss (token mean over every counted token of the step)
   * @param datasetLosses per dataset (run order): the token-weighted mean loss over its examples in
   *     the step; NaN for a dataset with none
   * @param datasetExamples per dataset: its examples in the step (-1: a line from before these
   *     counts, when a step had one dataset and its count was not written)
   * @param datasetPrefetched per dataset: the batches its actor held ready when the learner asked
   *     (0: encoded on demand; -1: not asked, or not known); null when not known at all. Written as
   *     {@code prefetch} for the datasets asked.
   */
  public record TrainStep(long step, double loss, double[] datasetLosses, int[] datasetExamples, double lr,
      double gradNorm, int tokens, int padTokens, double seconds, double waitSeconds, int[] datasetPrefetched)
      implements Command {

    /** A step that says nothing of the datasets' prefetch (a line from before it was written, tests). */
    public TrainStep(long step, double loss, double[] datasetLosses, int[] datasetExamples, double lr,
        double gradNorm, int tokens, int padTokens, double seconds, double waitSeconds) {
      this(step, loss, datasetLosses, datasetExamples, lr, gradNorm, tokens, padTokens, seconds, waitSeconds, null);
    }

    /** Whether dataset {@code d} had examples in this step. */
    public boolean has(int d) {
      return datasetExamples[d] != 0;
    }
  }

  /** New probabilities took effect: one line of {@code weights.jsonl}. */
  public record WeightsApplied(WeightUpdate update) implements Command {}

  /** The scorer's view of one snapshot: raw rewards, their EMA, the updated probabilities. */
  public record RewardsComputed(long version, double[] rewards, double[] smoothed,
      double[] probabilities, double evaluatorSeconds) implements Command {}

  /**
   * An evaluation during training ({@code eval.every}) after {@code step} steps.
   *
   * @param heldOutLoss mean response-token loss per dataset that has held-out examples
   * @param scores on the built-in mix, each skill's score on 0–100 and {@code overall}; else empty
   * @param seconds how long the evaluation took (the learner did not step meanwhile)
   */
  public record Evaluated(long step, Map<String, Double> heldOutLoss, Map<String, Double> scores,
      double seconds) implements Command {}

  /** The learner sent the snapshot taken after {@code version} steps to the reward evaluator. */
  public record SnapshotSent(long version) implements Command {}

  /**
   * Probabilities for snapshot {@code version} reached the learner while {@code step} was next,
   * {@code latencySeconds} after the snapshot was sent.
   */
  public record SnapshotAnswered(long version, long step, double latencySeconds) implements Command {}

  /** Anything else worth a line (a skipped update, a restarted actor, a fault). */
  public record Note(long step, String event, String message) implements Command {}

  /** Flushes the files and replies with what the run recorded. */
  public record Finish(ActorRef<RunHistory> replyTo) implements Command {}

  /** Flushes both files and replies with their lengths: where a resumed run takes up. */
  public record Mark(ActorRef<io.skillmix.checkpoint.ComponentState> replyTo) implements Command {}

  public static Behavior<Command> create(Path runDir, List<String> datasets, ProgressDisplay progress) {
    return Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(FlushTick.INSTANCE, FLUSH_EVERY);
      return Behaviors.setup(context -> new MetricsSink(context, runDir, datasets, progress));
    });
  }

  /**
   * Lines reach the disk at most this long after their event, so that {@code tail -f metrics.jsonl}
   * follows the run (it flushed every 50 steps: minutes of nothing on a real model).
   */
  static final java.time.Duration FLUSH_EVERY = java.time.Duration.ofSeconds(2);

  /** Time to write what is buffered. */
  private enum FlushTick implements Command { INSTANCE }

  private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();

  private final List<String> datasets;
  private final BufferedWriter metrics;
  private final BufferedWriter weights;
  private final ProgressDisplay progress;
  private final RunHistory history;
  private final Path runDir;
  /** Wall time of the sessions before this one (a resumed run), as the last system line says. */
  private double wallBefore;
  private final long startNanos = System.nanoTime();
  /** Lines written since the last flush. */
  private boolean unflushed;

  private MetricsSink(ActorContext<Command> context, Path runDir, List<String> datasets,
      ProgressDisplay progress) throws IOException {
    super(context);
    this.datasets = datasets;
    this.progress = progress;
    this.history = new RunHistory(datasets);
    this.runDir = runDir;
    Files.createDirectories(runDir);
    replay(runDir.resolve(RunFolder.METRICS));
    this.metrics = open(runDir.resolve(RunFolder.METRICS));
    this.weights = open(runDir.resolve(RunFolder.WEIGHTS));
  }

  /**
   * A resumed run's metrics file already holds its records up to the checkpoint: they go into the
   * history first, so the report and plots cover the whole run.
   */
  private void replay(Path file) {
    for (Command record : MetricsLog.read(file, datasets)) {
      if (record instanceof TrainStep t) {
        history.onTrain(t);
      } else if (record instanceof WeightsApplied w) {
        history.onWeights(w.update());
      } else if (record instanceof RewardsComputed r) {
        history.onRewards(r);
      } else if (record instanceof Note n) {
        history.onNote(n);
      } else if (record instanceof Evaluated e) {
        history.onEvaluated(e);
      } else if (record instanceof SnapshotSent sent) {
        history.onSent(sent);
      } else if (record instanceof SnapshotAnswered answered) {
        history.onAnswered(answered);
      }
    }
    SystemFigures before = MetricsLog.system(file);
    wallBefore = before == null ? 0 : before.wallSeconds();
  }

  private static BufferedWriter open(Path file) throws IOException {
    return Files.newBufferedWriter(file, StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(TrainStep.class, this::onTrainStep)
        .onMessage(WeightsApplied.class, this::onWeightsApplied)
        .onMessage(RewardsComputed.class, this::onRewardsComputed)
        .onMessage(Note.class, this::onNote)
        .onMessage(Evaluated.class, this::onEvaluated)
        .onMessage(SnapshotSent.class, this::onSnapshotSent)
        .onMessage(SnapshotAnswered.class, this::onSnapshotAnswered)
        .onMessage(Finish.class, this::onFinish)
        .onMessage(Mark.class, this::onMark)
        .onMessageEquals(FlushTick.INSTANCE, this::onFlushTick)
        .onSignal(PostStop.class, signal -> onStop())
        .build();
  }

  private Behavior<Command> onTrainStep(TrainStep m) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("event", "train");
    line.put("step", m.step());
    line.put("loss", m.loss());
    Map<String, Double> losses = new LinkedHashMap<>();
    Map<String, Integer> examples = new LinkedHashMap<>();
    for (int d = 0; d < datasets.size(); d++) {
      if (m.has(d)) {
        losses.put(datasets.get(d), m.datasetLosses()[d]);
        examples.put(datasets.get(d), m.datasetExamples()[d]);
      }
    }
    line.put("losses", losses);
    line.put("examples", examples);
    if (m.datasetPrefetched() != null) {
      Map<String, Integer> prefetch = new LinkedHashMap<>();
      for (int d = 0; d < datasets.size(); d++) {
        if (m.datasetPrefetched()[d] >= 0) {
          prefetch.put(datasets.get(d), m.datasetPrefetched()[d]);
        }
      }
      line.put("prefetch", prefetch);
    }
    line.put("lr", m.lr());
    line.put("grad_norm", m.gradNorm());
    line.put("tokens", m.tokens());
    line.put("pad_tokens", m.padTokens());
    line.put("seconds", m.seconds());
    line.put("wait_seconds", m.waitSeconds());
    write(metrics, line); // on disk within FLUSH_EVERY: see onFlushTick
    history.onTrain(m);
    progress.onStep(m, history);
    return this;
  }

  private Behavior<Command> onWeightsApplied(WeightsApplied m) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("step", m.update().effectiveStep());
    line.put("version", m.update().version());
    line.put("probs", byDataset(m.update().probabilities()));
    write(weights, line);
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("event", "weights");
    event.putAll(line);
    if (m.update().version() > 0) { // the prior (version 0) is no update
      event.put("staleness", m.update().effectiveStep() - m.update().version());
    }
    write(metrics, event);
    flush();
    history.onWeights(m.update());
    return this;
  }

  private Behavior<Command> onRewardsComputed(RewardsComputed m) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("event", "rewards");
    line.put("version", m.version());
    line.put("rewards", byDataset(m.rewards()));
    line.put("smoothed", byDataset(m.smoothed()));
    line.put("probs", byDataset(m.probabilities()));
    line.put("evaluator_seconds", m.evaluatorSeconds());
    write(metrics, line);
    history.onRewards(m);
    return this;
  }

  private Behavior<Command> onSnapshotSent(SnapshotSent m) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("event", "snapshot_sent");
    line.put("version", m.version());
    write(metrics, line);
    history.onSent(m);
    return this;
  }

  private Behavior<Command> onSnapshotAnswered(SnapshotAnswered m) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("event", "snapshot_answered");
    line.put("version", m.version());
    line.put("step", m.step());
    line.put("latency_seconds", m.latencySeconds());
    write(metrics, line);
    history.onAnswered(m);
    return this;
  }

  /** The run's system figures so far, as a line: at every checkpoint (a resume takes up its wall time) and at the end. */
  private void writeSystem() {
    write(metrics, history.system(wallBefore + (System.nanoTime() - startNanos) / 1e9).line());
  }

  private Behavior<Command> onNote(Note m) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("event", m.event());
    line.put("step", m.step());
    line.put("message", m.message());
    write(metrics, line);
    history.onNote(m);
    return this;
  }

  private Behavior<Command> onEvaluated(Evaluated m) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("event", "eval");
    line.put("step", m.step());
    line.put("heldout_loss", m.heldOutLoss());
    line.put("scores", m.scores());
    line.put("seconds", m.seconds());
    write(metrics, line);
    flush();
    history.onEvaluated(m);
    return this;
  }

  private Behavior<Command> onFinish(Finish m) {
    writeSystem();
    flush();
    progress.close();
    m.replyTo().tell(history);
    return this;
  }

  private Behavior<Command> onMark(Mark m) {
    writeSystem();
    flush();
    try {
      ResumePoint point = new ResumePoint(
          Files.size(runDir.resolve(RunFolder.METRICS)), Files.size(runDir.resolve(RunFolder.WEIGHTS)));
      m.replyTo().tell(new io.skillmix.checkpoint.ComponentState(io.skillmix.checkpoint.CheckpointState.METRICS,
          io.skillmix.checkpoint.StateJson.write(point)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  private Behavior<Command> onStop() {
    try {
      metrics.close();
      weights.close();
    } catch (IOException e) {
      getContext().getLog().warn("closing metrics files: {}", e.toString());
    }
    progress.close();
    return this;
  }

  private Map<String, Double> byDataset(double[] values) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (int i = 0; i < datasets.size(); i++) {
      out.put(datasets.get(i), values[i]);
    }
    return out;
  }

  private Behavior<Command> onFlushTick() {
    if (unflushed) {
      flush();
    }
    return this;
  }

  private void write(BufferedWriter writer, Map<String, Object> line) {
    try {
      unflushed = true;
      writer.write(GSON.toJson(line));
      writer.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void flush() {
    try {
      unflushed = false;
      metrics.flush();
      weights.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
