package io.skillmix.learn;

import io.skillmix.data.DatasetActor;
import io.skillmix.mix.MixtureSampler;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Where the learner's batches come from: each step draws its dataset from the probabilities in
 * effect with the learner's own seeded sampler (so a run is reproducible and resumable), and asks
 * that dataset's actor for a batch.
 */
final class BatchSource {

  private final List<String> names;
  private final Map<String, ActorRef<DatasetActor.Command>> datasets;
  private final MixtureSampler sampler;
  private final int batchSize;
  private final ActorRef<DatasetActor.Batch> replyTo;

  BatchSource(List<String> names, Map<String, ActorRef<DatasetActor.Command>> datasets, MixtureSampler sampler,
      int batchSize, ActorRef<DatasetActor.Batch> replyTo) {
    this.names = List.copyOf(names);
    this.datasets = datasets;
    this.sampler = sampler;
    this.batchSize = batchSize;
    this.replyTo = replyTo;
  }

  /** Draws the next step's dataset and asks it for a training batch. */
  void requestNext() {
    datasets.get(names.get(sampler.next()))
        .tell(new DatasetActor.RequestBatch(DatasetActor.StreamKind.TRAIN, batchSize, replyTo));
  }

  void setProbabilities(double[] probabilities) {
    sampler.setProbabilities(probabilities);
  }

  double[] probabilities() {
    return sampler.probabilities();
  }

  MixtureSampler.State exportState() {
    return sampler.exportState();
  }

  void importState(MixtureSampler.State state) {
    sampler.importState(state);
  }
}
