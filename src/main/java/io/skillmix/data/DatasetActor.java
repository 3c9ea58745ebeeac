package io.skillmix.data;

import io.skillmix.checkpoint.ComponentState;
import io.skillmix.checkpoint.StateJson;
import io.skillmix.CrossNode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
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

  /** The size of a {@link RequestBatch} for every held-out example, in the dataset's order. */
  public static final int ALL = 0;

  /** Asks for the next {@code size} examples of a stream; the reply is a {@link Batch}. */
  public record RequestBatch(StreamKind stream, int size, ActorRef<Batch> replyTo)
      implements Command {}

  /**
   * Encoded examples of one dataset: plain arrays, no tensors.
   *
   * @param prefetched on the training stream, the batches of the asked size the actor held ready
   *     when the request came (0: this one was encoded on demand); -1 on the other streams. The
   *     dashboard shows it per dataset ({@code prefetch} in the train lines of metrics.jsonl).
   */
  public record Batch(String dataset, StreamKind stream, List<TokenizedExample> examples, int prefetched)
      implements CrossNode {

    /** A batch that says nothing of the prefetch (the reward and held-out streams, tests). */
    public Batch(String dataset, StreamKind stream, List<TokenizedExample> examples) {
      this(dataset, stream, examples, -1);
    }
  }

  /** The current sampling probability of this dataset: it sizes the prefetch buffer. */
  public record SetProbability(double probability) implements Command {}

  /** Asks for this dataset's part of a checkpoint (its {@link State} as JSON). */
  public record GetState(ActorRef<ComponentState> replyTo) implements Command {}

  /** Where each of the dataset's streams stands: its part of a checkpoint. */
  public record State(String dataset, ExampleStream.Position train, ExampleStream.Position reward,
      ExampleStream.Position heldOut) {}

  /** Puts the streams where a checkpoint's {@link State} (as JSON) says. */
  public record Restore(String json) implements Command {}

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

  /**
   * @param heldOut examples kept out of training; HELD_OUT draws only these, never training ones
   *     (with none, a HELD_OUT request stops the actor with a {@link io.skillmix.UserError})
   */
  public static Behavior<Command> create(Settings settings, List<Conversation> examples,
      List<Conversation> heldOut, Function<Conversation, TokenizedExample> encoder) {
    Progress progress = new Progress();
    return Behaviors.setup(context -> new DatasetActor(context, settings, examples, heldOut, encoder,
        progress, fault -> {}));
  }

  /**
   * A dataset actor that survives its own faults (an I/O or encoding error mid-stream): it is
   * restarted at most {@code maxRestarts} times a minute, each time from the positions after the
   * last batch it delivered, and a request it was serving is served again. Past the budget it
   * stops (its parent watches it). {@code onRestart} hears one line per restart. A
   * {@link io.skillmix.UserError} (the data itself is wrong) stops it at once, without restarts.
   */
  public static Behavior<Command> supervised(Settings settings, List<Conversation> examples,
      List<Conversation> heldOut, Function<Conversation, TokenizedExample> encoder, int maxRestarts,
      Consumer<String> onRestart) {
    Progress progress = new Progress(); // outside setup: it outlives each incarnation
    // A user's mistake in the data (a template that refuses an example) is not a fault a restart
    // mends: it stops the actor at once, and its parent reports the cause.
    Behavior<Command> stopsOnUserError = Behaviors.supervise(Behaviors.<Command>setup(context -> new DatasetActor(
        context, settings, examples, heldOut, encoder, progress, onRestart)))
        .onFailure(io.skillmix.UserError.class, SupervisorStrategy.stop().withLoggingEnabled(false));
    return Behaviors.supervise(stopsOnUserError)
        .onFailure(SupervisorStrategy.restart().withLimit(maxRestarts, Duration.ofMinutes(1)));
  }

  /** Positions after the last delivered batches, kept across restarts. */
  private static final class Progress {
    private ExampleStream.Position train;
    private ExampleStream.Position reward;
    private ExampleStream.Position heldOut;
  }

  private final Settings settings;
  private final ExampleStream train;
  private final ExampleStream reward;
  /** Null when the dataset has no held-out examples. */
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
  private final Progress progress;
  private final Consumer<String> onRestart;
  /** The request being served, sent again to the next incarnation if this one fails. */
  private RequestBatch serving;
  private RuntimeException fault;

  private DatasetActor(ActorContext<Command> context, Settings settings, List<Conversation> examples,
      List<Conversation> heldOutExamples, Function<Conversation, TokenizedExample> encoder,
      Progress progress, Consumer<String> onRestart) {
    super(context);
    this.progress = progress;
    this.onRestart = onRestart;
    this.settings = settings;
    this.train = new ExampleStream(examples, encoder, settings.seed());
    // A different seed: reward draws follow their own order.
    this.reward = new ExampleStream(examples, encoder, settings.seed() ^ 0x5DEECE66DL);
    this.heldOut = heldOutExamples.isEmpty() ? null
        : new ExampleStream(heldOutExamples, encoder, settings.seed() ^ 0x2545F4914F6CDD1DL);
    this.delivered = train.position();
    if (progress.train != null) {
      restorePositions(progress.train, progress.reward, progress.heldOut);
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(RequestBatch.class, this::onRequestBatch)
        .onMessage(SetProbability.class, this::onSetProbability)
        .onMessage(GetState.class, this::onGetState)
        .onMessage(Restore.class, this::onRestore)
        .onMessageEquals(Prefetch.INSTANCE, this::onPrefetch)
        .onSignal(PreRestart.class, signal -> onPreRestart())
        .build();
  }

  private Behavior<Command> onRequestBatch(RequestBatch request) {
    serving = request;
    try {
      serve(request);
    } catch (RuntimeException e) {
      fault = e;
      throw e;
    }
    serving = null;
    remember();
    return this;
  }

  private Behavior<Command> onPreRestart() {
    String what = fault == null ? "a fault" : fault.toString();
    getContext().getLog().warn("dataset {}: restarting from its last cursor after {}", settings.name(), what);
    onRestart.accept("dataset " + settings.name() + " restarted from its last cursor after " + what);
    if (serving != null) {
      getContext().getSelf().tell(serving); // the next incarnation answers it
    }
    return this;
  }

  private void remember() {
    progress.train = delivered;
    progress.reward = reward.position();
    progress.heldOut = heldOutPosition();
  }

  private ExampleStream.Position heldOutPosition() {
    return heldOut == null ? null : heldOut.position();
  }

  private void serve(RequestBatch request) {
    if (request.stream() == StreamKind.HELD_OUT && heldOut == null) {
      throw new io.skillmix.UserError("dataset '" + settings.name() + "' has no held-out examples for a reward"
          + " that reads held-out data (a dev set never falls back to training examples); give it a held-out"
          + " split (held-out = F in data.datasets, or data.dev-fraction)");
    }
    if (request.stream() != StreamKind.TRAIN) {
      ExampleStream stream = request.stream() == StreamKind.REWARD ? reward : heldOut;
      // A held-out request of size 0 asks for the whole split (Aioli and fms ODM evaluate all of it).
      List<TokenizedExample> examples = request.stream() == StreamKind.HELD_OUT && request.size() == ALL
          ? stream.all() : stream.next(request.size());
      request.replyTo().tell(new Batch(settings.name(), request.stream(), examples));
      return;
    }
    if (request.size() != bufferedSize) {
      dropBuffer();
      bufferedSize = request.size();
    }
    int prefetched = buffer.size();
    Ready ready = buffer.isEmpty() ? produce() : buffer.poll();
    delivered = ready.after();
    request.replyTo().tell(new Batch(settings.name(), StreamKind.TRAIN, ready.examples(), prefetched));
    schedulePrefetch();
  }

  private Behavior<Command> onPrefetch() {
    prefetchScheduled = false;
    if (bufferedSize > 0 && buffer.size() < depth()) {
      try {
        buffer.add(produce());
      } catch (RuntimeException e) {
        fault = e;
        throw e;
      }
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
    request.replyTo().tell(new ComponentState(ComponentState.dataset(settings.name()),
        StateJson.write(new State(settings.name(), delivered, reward.position(), heldOutPosition()))));
    return this;
  }

  private Behavior<Command> onRestore(Restore message) {
    State state = StateJson.read(message.json(), State.class, "dataset " + settings.name());
    restorePositions(state.train(), state.reward(), state.heldOut());
    remember();
    return this;
  }

  private void restorePositions(ExampleStream.Position trainAt, ExampleStream.Position rewardAt,
      ExampleStream.Position heldOutAt) {
    buffer.clear();
    delivered = trainAt;
    train.restore(delivered);
    reward.restore(rewardAt);
    if (heldOut != null && heldOutAt != null) {
      heldOut.restore(heldOutAt);
    }
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
