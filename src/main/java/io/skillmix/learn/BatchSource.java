package io.skillmix.learn;

import io.skillmix.data.DatasetActor;
import io.skillmix.data.TokenizedExample;
import io.skillmix.mix.BatchMixing;
import io.skillmix.mix.MixtureSampler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Where the learner's batches come from. The learner's own seeded sampler draws from the
 * probabilities in effect (so a run is reproducible, and resumable: the sampler's state is in the
 * checkpoint): with {@link BatchMixing#EXAMPLE} one dataset per example of the step, with
 * {@link BatchMixing#BATCH} one for the whole step. Each drawn dataset's actor is asked once for
 * its count of training examples; the replies, in whatever order they arrive, are assembled in
 * draw order, so the batch does not depend on timing.
 */
final class BatchSource {

  /**
   * A step's batch: its examples, the dataset (index in the run's order) each was drawn from, and
   * per dataset the batches its actor held ready when asked ({@link DatasetActor.Batch#prefetched};
   * -1 for one not asked).
   */
  record Drawn(List<TokenizedExample> examples, int[] datasets, int[] prefetched) {

    /** The dataset of the step's last example (the arm a bandit calls "drawn last"). */
    int last() {
      return datasets[datasets.length - 1];
    }

    /** Examples per dataset of the {@code n} in the run. */
    int[] counts(int n) {
      int[] counts = new int[n];
      for (int d : datasets) {
        counts[d]++;
      }
      return counts;
    }

    /**
     * Per dataset, the token-weighted mean loss over its examples in the step (NaN for one with
     * none). A step of one dataset has the step's own loss, exactly.
     */
    double[] losses(Trainer.StepResult result, int n) {
      double[] nll = new double[n];
      long[] tokens = new long[n];
      for (int i = 0; i < datasets.length; i++) {
        nll[datasets[i]] += result.exampleLoss()[i];
        tokens[datasets[i]] += result.exampleTokens()[i];
      }
      int[] counts = counts(n);
      double[] losses = new double[n];
      for (int d = 0; d < n; d++) {
        losses[d] = counts[d] == 0 ? Double.NaN
            : counts[d] == datasets.length ? result.loss()
            : tokens[d] == 0 ? 0 : nll[d] / tokens[d];
      }
      return losses;
    }
  }

  private final List<String> names;
  private final Map<String, ActorRef<DatasetActor.Command>> datasets;
  private final MixtureSampler sampler;
  private final int batchSize;
  private final BatchMixing mixing;
  private final ActorRef<DatasetActor.Batch> replyTo;
  /** The step being gathered: the dataset of each example, in draw order; null between steps. */
  private int[] order;
  /** Examples still awaited per dataset of the step being gathered, and those arrived. */
  private int[] awaited;
  private List<List<TokenizedExample>> arrived;
  /** Per dataset of the step being gathered: its actor's ready batches when asked (-1: not asked). */
  private int[] prefetched;

  BatchSource(List<String> names, Map<String, ActorRef<DatasetActor.Command>> datasets, MixtureSampler sampler,
      int batchSize, BatchMixing mixing, ActorRef<DatasetActor.Batch> replyTo) {
    this.names = List.copyOf(names);
    this.datasets = datasets;
    this.sampler = sampler;
    this.batchSize = batchSize;
    this.mixing = mixing;
    this.replyTo = replyTo;
  }

  /** Draws the next step's datasets and asks each drawn one for its count of training examples. */
  void requestNext() {
    requestNext(null);
  }

  /**
   * As {@link #requestNext()}, drawing from {@code dictated} instead of the probabilities in effect
   * when it is not null (a policy's own mixture for this step; the same seeded draws).
   */
  void requestNext(double[] dictated) {
    order = new int[batchSize];
    if (mixing == BatchMixing.BATCH) {
      java.util.Arrays.fill(order, sampler.next(dictated));
    } else {
      for (int i = 0; i < batchSize; i++) {
        order[i] = sampler.next(dictated);
      }
    }
    awaited = new int[names.size()];
    for (int d : order) {
      awaited[d]++;
    }
    arrived = new ArrayList<>();
    prefetched = new int[names.size()];
    java.util.Arrays.fill(prefetched, -1);
    for (int d = 0; d < names.size(); d++) {
      arrived.add(null);
      if (awaited[d] > 0) {
        datasets.get(names.get(d)).tell(new DatasetActor.RequestBatch(DatasetActor.StreamKind.TRAIN, awaited[d],
            replyTo));
      }
    }
  }

  /**
   * One dataset's reply: the step's batch once every drawn dataset has answered, else null. A
   * reply nothing waits for (none of this step's) is ignored.
   */
  Drawn onBatch(DatasetActor.Batch batch) {
    int d = names.indexOf(batch.dataset());
    if (order == null || d < 0 || awaited[d] == 0 || arrived.get(d) != null) {
      return null;
    }
    if (batch.examples().size() != awaited[d]) {
      throw new IllegalStateException("dataset " + batch.dataset() + " sent " + batch.examples().size()
          + " examples for a request of " + awaited[d]);
    }
    arrived.set(d, batch.examples());
    prefetched[d] = batch.prefetched();
    for (int i = 0; i < names.size(); i++) {
      if (awaited[i] > 0 && arrived.get(i) == null) {
        return null;
      }
    }
    int[] next = new int[names.size()];
    List<TokenizedExample> examples = new ArrayList<>(order.length);
    for (int dataset : order) {
      examples.add(arrived.get(dataset).get(next[dataset]++));
    }
    Drawn drawn = new Drawn(examples, order, prefetched);
    order = null;
    arrived = null;
    prefetched = null;
    return drawn;
  }

  List<String> names() {
    return names;
  }

  void setProbabilities(double[] probabilities) {
    sampler.setProbabilities(probabilities);
  }

  MixtureSampler.State exportState() {
    return sampler.exportState();
  }

  void importState(MixtureSampler.State state) {
    sampler.importState(state);
  }
}
