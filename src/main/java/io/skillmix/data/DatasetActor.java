package io.skillmix.data;

import io.skillmix.cluster.CrossNode;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One dataset's stream: owns its examples, template and tokenizer (through the encoder), its
 * shuffling and epochs, and a small buffer of ready training batches, so the learner never waits
 * on text processing. Training and reward batches come from two streams with separate seeds:
 * drawing reward batches never changes the training order.
 *
 * <p>Prefetching is invisible to the state: the state is the position after the last batch
 * delivered, and restoring it replays exactly the batches that would have come next.
 */
public final class DatasetActor extends AbstractBehavior<DatasetActor.Command> {

  /** Requests to a dataset; they may come from another node. */
  public sealed interface Command extends CrossNode {}

  /** TRAIN feeds the learner; REWARD draws training examples for rewards; HELD_OUT draws held-out ones. */
  public enum StreamKind { TRAIN, REWARD, HELD_OUT }

  /** Asks for the next {@code size} examples of a stream; the reply is a {@link Batch}. */
  public record RequestBatch(StreamKind stream, int size, ActorRef<Batch> replyTo)
      implements Command {}

  /** Encoded examples of one dataset: plain arrays, no tensors. */
  public record Batch(String dataset, StreamKind stream, List<TokenizedExample> examples)
      implements CrossNode {}

  /** The current sampling probability of this dataset: it sizes the prefetch buffer. */
  public record SetProbability(double probability) implements Command {}

  public record GetState(ActorRef<State> replyTo) implements Command {}

  public record State(String dataset, ExampleStream.Position train, ExampleStream.Position reward,
      ExampleStream.Position heldOut) implements CrossNode {}

  public record Restore(State state) implements Command {}

  private enum Prefetch implements Command { INSTANCE }

  /**
   * @param name the dataset's name, stamped on every batch
   * @param prefetchSteps batches kept ready = ceil(probability × prefetchSteps), at least one
   */
  public record Settings(String name, long seed, int prefetchSteps) {}

  public static Behavior<Command> create(Settings settings, List<Conversation> examples,
      Function<Conversation, TokenizedExample> encoder) {
    return create(settings, examples, List.of(), encoder);
  }

  /** @param heldOut examples kept out of training (HELD_OUT draws training ones when empty) */
  public static Behavior<Command> create(Settings settings, List<Conversation> examples,
      List<Conversation> heldOut, Function<Conversation, TokenizedExample> encoder) {
    return Behaviors.setup(context -> new DatasetActor(context, settings, examples, heldOut, encoder));
  }

  private final Settings settings;
  private final ExampleStream train;
  private final ExampleStream reward;
  private final ExampleStream heldOut;
  /** A prefetched batch and the stream position right after it. */
  private record Ready(List<TokenizedExample> examples, ExampleStream.Position after) {}

  /** Ready training batches, all of {@link #bufferedSize} examples. */
  private final ArrayDeque<Ready> buffer = new ArrayDeque<>();
  private int bufferedSize;
  /** Position of the training stream after the last delivered batch. */
  private ExampleStream.Position delivered;
  private double probability = 1;
  private boolean prefetchScheduled;

  private DatasetActor(ActorContext<Command> context, Settings settings, List<Conversation> examples,
      List<Conversation> heldOutExamples, Function<Conversation, TokenizedExample> encoder) {
    super(context);
    this.settings = settings;
    this.train = new ExampleStream(examples, encoder, settings.seed());
    // A different seed: reward draws follow their own order.
    this.reward = new ExampleStream(examples, encoder, settings.seed() ^ 0x5DEECE66DL);
    this.heldOut = new ExampleStream(heldOutExamples.isEmpty() ? examples : heldOutExamples, encoder,
        settings.seed() ^ 0x2545F4914F6CDD1DL);
    this.delivered = train.position();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(RequestBatch.class, this::onRequestBatch)
        .onMessage(SetProbability.class, this::onSetProbability)
        .onMessage(GetState.class, this::onGetState)
        .onMessage(Restore.class, this::onRestore)
        .onMessageEquals(Prefetch.INSTANCE, this::onPrefetch)
        .build();
  }

  private Behavior<Command> onRequestBatch(RequestBatch request) {
    if (request.stream() != StreamKind.TRAIN) {
      ExampleStream stream = request.stream() == StreamKind.REWARD ? reward : heldOut;
      request.replyTo().tell(new Batch(settings.name(), request.stream(), stream.next(request.size())));
      return this;
    }
    if (request.size() != bufferedSize) {
      dropBuffer();
      bufferedSize = request.size();
    }
    Ready ready = buffer.isEmpty() ? produce() : buffer.poll();
    delivered = ready.after();
    request.replyTo().tell(new Batch(settings.name(), StreamKind.TRAIN, ready.examples()));
    schedulePrefetch();
    return this;
  }

  private Behavior<Command> onPrefetch() {
    prefetchScheduled = false;
    if (bufferedSize > 0 && buffer.size() < depth()) {
      buffer.add(produce());
      schedulePrefetch();
    }
    return this;
  }

  private Behavior<Command> onSetProbability(SetProbability message) {
    probability = message.probability();
    schedulePrefetch();
    return this;
  }

  private Behavior<Command> onGetState(GetState request) {
    request.replyTo().tell(new State(settings.name(), delivered, reward.position(), heldOut.position()));
    return this;
  }

  private Behavior<Command> onRestore(Restore message) {
    buffer.clear();
    delivered = message.state().train();
    train.restore(delivered);
    reward.restore(message.state().reward());
    heldOut.restore(message.state().heldOut());
    return this;
  }

  private int depth() {
    return Math.max(1, (int) Math.ceil(probability * settings.prefetchSteps()));
  }

  /** One batch per message, so requests are never stuck behind a long refill. */
  private void schedulePrefetch() {
    if (!prefetchScheduled && bufferedSize > 0 && buffer.size() < depth()) {
      prefetchScheduled = true;
      getContext().getSelf().tell(Prefetch.INSTANCE);
    }
  }

  /** Forgets prefetched batches: the stream goes back to just after the last delivered one. */
  private void dropBuffer() {
    buffer.clear();
    train.restore(delivered);
  }

  private Ready produce() {
    List<TokenizedExample> examples = train.next(bufferedSize);
    return new Ready(examples, train.position());
  }
}
