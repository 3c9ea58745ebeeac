package io.skillmix.mix;

import io.skillmix.cluster.CrossNode;
import io.skillmix.data.DatasetActor;
import io.skillmix.data.TokenizedExample;
import io.skillmix.model.ParameterSnapshot;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
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
 */
public final class RewardEvaluator extends AbstractBehavior<RewardEvaluator.Command> {

  public sealed interface Command extends CrossNode {}

  /** The starting weights θ0 (version 0), sent once before any {@link Evaluate}. */
  public record Reference(ParameterSnapshot snapshot) implements Command {}

  /** Compute rewards on these parameters and send them to the scorer. */
  public record Evaluate(ParameterSnapshot snapshot) implements Command {}

  private record BatchArrived(DatasetActor.Batch batch) implements Command {}

  /** Reward batches of every dataset, in dataset order, per stream the reward reads. */
  public record RewardBatches(List<List<TokenizedExample>> train, List<List<TokenizedExample>> heldOut) {}

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
    return Behaviors.setup(context ->
        new RewardEvaluator(context, model, datasetNames, datasets, rewardBatchSize, scorer));
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

  private RewardEvaluator(ActorContext<Command> context, Supplier<RewardModel> model, List<String> datasetNames,
      Map<String, ActorRef<DatasetActor.Command>> datasets, int rewardBatchSize,
      ActorRef<MixtureScorer.Command> scorer) {
    super(context);
    this.modelFactory = model;
    this.model = model.get();
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
      try {
        double[] rewards = model.rewards(current, drawn);
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        scorer.tell(new MixtureScorer.Rewards(current.version(), rewards, seconds));
      } catch (RuntimeException e) {
        getContext().getLog().error("rewards for snapshot {} failed; restarting the reward model",
            current.version(), e);
        scorer.tell(new MixtureScorer.RewardsFailed(current.version(), e.toString()));
        restartModel();
      }
      current = null;
      batches = null;
      startNext();
    }
    return this;
  }

  /** A fresh reward model with the same θ0: what a supervised restart would give, keeping the queue. */
  private void restartModel() {
    try {
      model.close();
    } catch (RuntimeException e) {
      getContext().getLog().warn("closing the failed reward model: {}", e.toString());
    }
    model = modelFactory.get();
    if (reference != null) {
      model.setReference(reference);
    }
  }

  private Behavior<Command> onStop() {
    model.close();
    return this;
  }
}
