package io.skillmix.mix;

import io.skillmix.CrossNode;
import io.skillmix.data.DatasetActor;
import io.skillmix.data.TokenizedExample;
import io.skillmix.model.ParameterSnapshot;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Computes one reward per dataset for each parameter snapshot, on its own device and thread, while
 * the learner keeps training. It keeps a replica of θ refreshed from snapshots and, for the Diff
 * reward, the frozen starting weights θ0. Snapshots are evaluated one at a time, in order, so a
 * run's rewards do not depend on timing.
 *
 * <p>The reward model computes on a worker thread of its own, so the actor stays responsive. A
 * computation that throws costs that snapshot's update only: the scorer hears
 * {@link MixtureScorer.RewardsFailed}, a fresh reward model with the same θ0 takes over, and the
 * queue goes on. The evaluator keeps no deadline of its own: the learner owns
 * {@code mix.update-timeout}, and when it gives up on a snapshot it sends {@link Abandon}. A
 * computation still running then (a hung device, a deadlock in native code) is abandoned with its
 * thread and reward model (a thread cannot be killed in the JVM), and a fresh one takes over.
 */
public final class RewardEvaluator extends AbstractBehavior<RewardEvaluator.Command> {

  public sealed interface Command extends CrossNode {}

  /** The starting weights θ0 (version 0), sent once before any {@link Evaluate}. */
  public record Reference(ParameterSnapshot snapshot) implements Command {}

  /** Compute rewards on these parameters and send them to the scorer. */
  public record Evaluate(ParameterSnapshot snapshot) implements Command {}

  /**
   * The learner gave up on snapshot {@code version} (its update deadline passed): drop it if it
   * is still queued, abandon its computation if one is running. Nothing is reported: the learner
   * has already skipped that update.
   */
  public record Abandon(long version) implements Command {}

  private record BatchArrived(DatasetActor.Batch batch) implements Command {}

  /** The worker's answer for snapshot {@code version}: rewards, or the error it threw. */
  private record Computed(long generation, long version, double[] rewards, Throwable error, double seconds)
      implements Command {}

  /** Reward batches of every dataset, in dataset order, per stream the reward reads. */
  public record RewardBatches(List<List<TokenizedExample>> train, List<List<TokenizedExample>> heldOut) {}

  /**
   * Thrown by a reward model that has nowhere to compute (a cluster's evaluator nodes are all
   * gone): the update is skipped at once with this line, and the model is kept, not restarted.
   */
  public static final class Unavailable extends RuntimeException {
    public Unavailable(String message) {
      super(message);
    }
  }

  /** What the evaluator computes with: the model side of a reward. */
  public interface RewardModel extends AutoCloseable {
    void setReference(ParameterSnapshot theta0);

    /** The streams this reward draws from: REWARD (training examples), HELD_OUT, or both. */
    default List<DatasetActor.StreamKind> streams() {
      return List.of(DatasetActor.StreamKind.REWARD);
    }

    /** One reward per dataset on parameters {@code snapshot}. */
    double[] rewards(ParameterSnapshot snapshot, RewardBatches batches);

    @Override
    void close();
  }

  /**
   * @param rewardBatchSize examples drawn per dataset per snapshot (64 for CosSim, 16 for Diff in
   *     the official code)
   */
  public static Behavior<Command> create(Supplier<RewardModel> model, List<String> datasetNames,
      Map<String, ActorRef<DatasetActor.Command>> datasets, int rewardBatchSize,
      ActorRef<MixtureScorer.Command> scorer) {
    return Behaviors.setup(context -> new RewardEvaluator(context, model, datasetNames, datasets, rewardBatchSize,
        scorer));
  }

  private final Supplier<RewardModel> modelFactory;
  private RewardModel model;
  private ParameterSnapshot reference;
  private final List<String> datasetNames;
  private final Map<String, ActorRef<DatasetActor.Command>> datasets;
  private final int rewardBatchSize;
  private final ActorRef<MixtureScorer.Command> scorer;
  private final ActorRef<DatasetActor.Batch> batchAdapter;
  private final ArrayDeque<ParameterSnapshot> queue = new ArrayDeque<>();
  private ParameterSnapshot current;
  private List<DatasetActor.StreamKind> streams;
  private List<TokenizedExample>[][] batches;
  private int received;
  private long startNanos;
  /** Whether the worker is computing {@code current} (its batches are all in). */
  private boolean computing;
  /** The learner gave up on {@code current} while its batches were coming: they are not computed on. */
  private boolean abandoned;
  /** Counts reward models; answers from an abandoned one carry an older generation and are dropped. */
  private long generation;
  private ExecutorService worker;

  private RewardEvaluator(ActorContext<Command> context, Supplier<RewardModel> model, List<String> datasetNames,
      Map<String, ActorRef<DatasetActor.Command>> datasets, int rewardBatchSize,
      ActorRef<MixtureScorer.Command> scorer) {
    super(context);
    this.modelFactory = model;
    this.model = model.get();
    this.worker = newWorker();
    this.datasetNames = List.copyOf(datasetNames);
    this.datasets = datasets;
    this.rewardBatchSize = rewardBatchSize;
    this.scorer = scorer;
    this.batchAdapter = context.messageAdapter(DatasetActor.Batch.class, BatchArrived::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Reference.class, this::onReference)
        .onMessage(Evaluate.class, this::onEvaluate)
        .onMessage(BatchArrived.class, this::onBatch)
        .onMessage(Computed.class, this::onComputed)
        .onMessage(Abandon.class, this::onAbandon)
        .onSignal(PostStop.class, signal -> onStop())
        .build();
  }

  private Behavior<Command> onReference(Reference reference) {
    this.reference = reference.snapshot();
    model.setReference(this.reference);
    return this;
  }

  private Behavior<Command> onEvaluate(Evaluate evaluate) {
    queue.add(evaluate.snapshot());
    startNext();
    return this;
  }

  @SuppressWarnings("unchecked")
  private void startNext() {
    if (current != null || queue.isEmpty()) {
      return;
    }
    current = queue.poll();
    startNanos = System.nanoTime();
    streams = model.streams();
    batches = new List[streams.size()][datasetNames.size()];
    received = 0;
    for (DatasetActor.StreamKind stream : streams) {
      for (String name : datasetNames) {
        datasets.get(name).tell(new DatasetActor.RequestBatch(stream, rewardBatchSize, batchAdapter));
      }
    }
  }

  private Behavior<Command> onBatch(BatchArrived arrived) {
    int index = datasetNames.indexOf(arrived.batch().dataset());
    int stream = current == null ? -1 : streams.indexOf(arrived.batch().stream());
    if (stream < 0 || index < 0 || batches[stream][index] != null) {
      return this;
    }
    batches[stream][index] = arrived.batch().examples();
    if (++received == streams.size() * datasetNames.size()) {
      int train = streams.indexOf(DatasetActor.StreamKind.REWARD);
      int heldOut = streams.indexOf(DatasetActor.StreamKind.HELD_OUT);
      RewardBatches drawn = new RewardBatches(
          train < 0 ? List.of() : List.of(batches[train]), heldOut < 0 ? List.of() : List.of(batches[heldOut]));
      if (abandoned) {
        finishCurrent();
      } else {
        compute(current, drawn);
      }
    }
    return this;
  }

  /** Runs the reward model on the worker thread; the answer comes back as {@link Computed}. */
  private void compute(ParameterSnapshot snapshot, RewardBatches drawn) {
    long gen = generation;
    long version = snapshot.version();
    computing = true;
    RewardModel computing = model;
    CompletableFuture<double[]> rewards = CompletableFuture.supplyAsync(
        () -> computing.rewards(snapshot, drawn), worker);
    getContext().pipeToSelf(rewards, (values, error) -> new Computed(gen, version, values,
        error instanceof java.util.concurrent.CompletionException c && c.getCause() != null ? c.getCause() : error,
        (System.nanoTime() - startNanos) / 1e9));
  }

  private Behavior<Command> onComputed(Computed computed) {
    if (computed.generation() != generation || current == null || current.version() != computed.version()) {
      return this; // from a reward model abandoned meanwhile
    }
    if (computed.error() == null) {
      scorer.tell(new MixtureScorer.Rewards(computed.version(), computed.rewards(), computed.seconds()));
    } else if (computed.error() instanceof Unavailable unavailable) {
      getContext().getLog().warn("no rewards for snapshot {}: {}", computed.version(), unavailable.getMessage());
      scorer.tell(new MixtureScorer.RewardsFailed(computed.version(), unavailable.getMessage()));
    } else {
      getContext().getLog().error("rewards for snapshot {} failed; restarting the reward model",
          computed.version(), computed.error());
      scorer.tell(new MixtureScorer.RewardsFailed(computed.version(), computed.error().toString()));
      restartModel();
    }
    finishCurrent();
    return this;
  }

  private Behavior<Command> onAbandon(Abandon abandon) {
    queue.removeIf(snapshot -> snapshot.version() == abandon.version());
    if (current == null || current.version() != abandon.version()) {
      return this;
    }
    if (!computing) {
      abandoned = true; // its batches still come (and are dropped), so the next snapshot's stay its own
      return this;
    }
    getContext().getLog().error("the learner gave up on snapshot {}; abandoning its reward model"
        + " and thread, starting a fresh one", abandon.version());
    worker.shutdownNow(); // interrupts; a thread blocked in native code stays until it returns
    worker = newWorker();
    model = null; // still in use by the hung thread: not closed
    restartModel();
    finishCurrent();
    return this;
  }

  private void finishCurrent() {
    current = null;
    computing = false;
    abandoned = false;
    batches = null;
    startNext();
  }

  private ExecutorService newWorker() {
    String name = getContext().getSelf().path().name() + "-worker-" + generation;
    return Executors.newSingleThreadExecutor(task -> {
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      return thread;
    });
  }

  /** A fresh reward model with the same θ0: what a supervised restart would give, keeping the queue. */
  private void restartModel() {
    generation++;
    try {
      if (model != null) {
        model.close();
      }
    } catch (RuntimeException e) {
      getContext().getLog().warn("closing the failed reward model: {}", e.toString());
    }
    model = modelFactory.get();
    if (reference != null) {
      model.setReference(reference);
    }
  }

  private Behavior<Command> onStop() {
    worker.shutdownNow();
    if (current == null) {
      model.close(); // a computation still running keeps its model; the JVM's exit frees it
    }
    return this;
  }
}
