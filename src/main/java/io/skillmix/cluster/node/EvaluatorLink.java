package io.skillmix.cluster.node;

import io.skillmix.cluster.EvaluatorHost;
import io.skillmix.cluster.RemoteEvaluator;
import io.skillmix.cluster.RunId;
import io.skillmix.cluster.SnapshotTransfer;
import io.skillmix.data.DatasetActor;
import io.skillmix.mix.MixtureScorer;
import io.skillmix.mix.RewardEvaluator;
import io.skillmix.model.ParameterSnapshot;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * On a learner node, the learner's evaluator: it stands for the reward evaluator on an evaluator
 * node. It asks that node's host to start an evaluator ({@link EvaluatorHost.Start}), then offers
 * every snapshot to the evaluator's receiver in chunks, and passes on the learner's
 * {@link RewardEvaluator.Abandon} (the learner owns the update deadline). It follows the receptionist: when the
 * evaluator node is gone, snapshots are dropped (the learner skips those updates after
 * mix.update-timeout and goes on with the probabilities it has); when an evaluator node registers
 * again, the link starts an evaluator there, sends it θ0 again, and rewards resume.
 *
 * <p>Typed {@code Object}, as it hears the host's and the receptionist's answers too; narrow its
 * ref to {@code ActorRef<RewardEvaluator.Command>}.
 */
final class EvaluatorLink extends AbstractBehavior<Object> {

  static Behavior<Object> create(ActorRef<EvaluatorHost.Command> host, ActorRef<MixtureScorer.Command> scorer,
      Map<String, ActorRef<DatasetActor.Command>> datasets, int chunkBytes) {
    return Behaviors.withStash(1000, stash -> Behaviors.setup(context ->
        new EvaluatorLink(context, stash, host, scorer, datasets, chunkBytes)));
  }

  private final StashBuffer<Object> stash;
  private final ActorRef<MixtureScorer.Command> scorer;
  private final Map<String, ActorRef<DatasetActor.Command>> datasets;
  private final int chunkBytes;
  /** Where hosts of this run register. */
  private final ServiceKey<EvaluatorHost.Command> hosts;
  /** The evaluator node's host in use, or null while none is registered. */
  private ActorRef<EvaluatorHost.Command> host;
  /** Where snapshots go, once the host has answered; null before. */
  private ActorRef<RemoteEvaluator.Command> receiver;
  /** θ0, kept to start an evaluator that joins later. */
  private ParameterSnapshot reference;

  private EvaluatorLink(ActorContext<Object> context, StashBuffer<Object> stash,
      ActorRef<EvaluatorHost.Command> host, ActorRef<MixtureScorer.Command> scorer,
      Map<String, ActorRef<DatasetActor.Command>> datasets, int chunkBytes) {
    super(context);
    this.stash = stash;
    this.scorer = scorer;
    this.datasets = datasets;
    this.chunkBytes = chunkBytes;
    this.hosts = EvaluatorHost.key(RunId.of(context.getSystem().settings().config()));
    context.getSystem().receptionist().tell(Receptionist.subscribe(hosts, context.getSelf().narrow()));
    connect(host);
  }

  @Override
  public Receive<Object> createReceive() {
    return newReceiveBuilder()
        .onMessage(RewardEvaluator.Reference.class, this::onReference)
        .onMessage(RewardEvaluator.Evaluate.class, this::onEvaluate)
        .onMessage(RewardEvaluator.Abandon.class, this::onAbandon)
        .onMessage(EvaluatorHost.Ready.class, this::onReady)
        .onMessage(Receptionist.Listing.class, this::onListing)
        .build();
  }

  private void connect(ActorRef<EvaluatorHost.Command> next) {
    host = next;
    receiver = null;
    host.tell(new EvaluatorHost.Start(scorer, datasets, getContext().getSelf().narrow()));
  }

  private Behavior<Object> onReference(RewardEvaluator.Reference message) {
    reference = message.snapshot();
    if (receiver != null) {
      offer(true, reference);
    }
    return this;
  }

  private Behavior<Object> onEvaluate(RewardEvaluator.Evaluate message) {
    if (receiver != null) {
      offer(false, message.snapshot());
    } else if (host != null && !stash.isFull()) {
      stash.stash(message); // the host has not answered yet
    } else {
      getContext().getLog().warn("no evaluator node for snapshot {}; its update is skipped",
          message.snapshot().version());
    }
    return this;
  }

  private Behavior<Object> onAbandon(RewardEvaluator.Abandon message) {
    if (receiver != null) {
      receiver.tell(new RemoteEvaluator.Abandon(message.version()));
    }
    return this;
  }

  private Behavior<Object> onReady(EvaluatorHost.Ready ready) {
    if (host == null || !ready.receiver().path().address().equals(host.path().address())) {
      return this; // from a host given up meanwhile
    }
    receiver = ready.receiver();
    if (reference != null) {
      offer(true, reference);
    }
    return stash.unstashAll(this);
  }

  private Behavior<Object> onListing(Receptionist.Listing listing) {
    Set<ActorRef<EvaluatorHost.Command>> registered = listing.getServiceInstances(hosts);
    if (host != null && registered.contains(host)) {
      return this; // the one in use is still there
    }
    stash.clear();
    Optional<ActorRef<EvaluatorHost.Command>> next = registered.stream().findFirst();
    if (next.isPresent()) {
      getContext().getLog().warn("evaluator node {} registered; rewards resume", next.get().path().address());
      connect(next.get());
    } else if (host != null) {
      getContext().getLog().warn("the evaluator node left; training goes on with the last probabilities"
          + " until an evaluator node registers again");
      host = null;
      receiver = null;
    }
    return this;
  }

  private void offer(boolean isReference, ParameterSnapshot snapshot) {
    receiver.tell(new RemoteEvaluator.Offered(isReference, SnapshotTransfer.offer(snapshot, chunkBytes,
        getContext().getSystem())));
  }
}
