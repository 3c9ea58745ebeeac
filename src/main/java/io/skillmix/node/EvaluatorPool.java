package io.skillmix.node;

import io.skillmix.cluster.NodeClaim;
import io.skillmix.cluster.RewardShare;
import io.skillmix.cluster.RunKeys;
import io.skillmix.cluster.SnapshotOffer;
import io.skillmix.cluster.SnapshotService;
import io.skillmix.data.DatasetActor;
import io.skillmix.data.TokenizedExample;
import io.skillmix.mix.EvaluatorWork;
import io.skillmix.mix.MixtureScorer;
import io.skillmix.mix.Reward;
import io.skillmix.mix.RewardEvaluator;
import io.skillmix.model.ParameterSnapshot;
import io.skillmix.run.RunPreparation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * A learner node's pool of reward evaluators: every evaluator node of the run that registers
 * ({@link RunKeys#evaluator}) and grants this learner its claim is a member. For each snapshot the
 * pool divides the datasets among the reachable members in address order, sends each its share with
 * the reward batches the learner node drew ({@link RewardShare.Compute}), and hands the parts back
 * to be joined ({@link PooledRewards}). Every batch is drawn once, here, so a share redone elsewhere
 * computes on the same examples, and the rewards equal one evaluator's for the same seeds.
 *
 * <p>A member that leaves or becomes unreachable in the middle of an update has its share redone
 * by the members left (a warning names it); with none left, the update is skipped at once
 * ({@link RewardEvaluator.Unavailable}) rather than at {@code mix.update-timeout}, and so is every
 * later one until an evaluator node is back.
 */
final class EvaluatorPool extends AbstractBehavior<Object> {

  /** θ0 for every member, now and when it joins later. */
  record SetReference(ParameterSnapshot theta0) {}

  /** Rewards for {@code snapshot}: the parts by dataset, or (whole) one row of rewards. */
  record Compute(ParameterSnapshot snapshot, RewardEvaluator.RewardBatches batches, boolean whole,
      CompletableFuture<double[][]> result) {}

  /** The learner abandoned snapshot {@code version}. */
  record Cancel(long version) {}

  private record Reachability(ClusterEvent.ReachabilityEvent event) {}

  /** An evaluator node's member, as this pool knows it. */
  private static final class Member {
    final ActorRef<RewardShare.Command> ref;
    boolean claimAsked;
    boolean claimed;
    boolean refused;
    boolean reachable = true;

    Member(ActorRef<RewardShare.Command> ref) {
      this.ref = ref;
    }
  }

  /** The update in progress: its shares out, by member address, and the parts in. */
  private static final class Job {
    final Compute compute;
    final SnapshotOffer offer;
    final double[][] parts;
    /** Shares out, by member address: a member may hold two when it redoes another's. */
    final Map<String, List<int[]>> out = new LinkedHashMap<>();

    Job(Compute compute, SnapshotOffer offer, int rows) {
      this.compute = compute;
      this.offer = offer;
      this.parts = new double[rows][];
    }

    long version() {
      return compute.snapshot().version();
    }
  }

  /**
   * The learner node's evaluator: a {@link RewardEvaluator} whose reward model is the pool, which
   * this behaviour also runs. It forwards the learner's messages to that evaluator.
   */
  static Behavior<Object> link(RunPreparation.Prepared prepared, String runId,
      Map<String, ActorRef<DatasetActor.Command>> datasets, ActorRef<MixtureScorer.Command> scorer,
      ActorRef<NodeClaim.StopJob> stopper) {
    return Behaviors.setup(context -> {
      List<String> names = prepared.data().names();
      EvaluatorWork work = prepared.settings().mix().plan().evaluator();
      Reward.Divided divided = work.reward().divided(work.context());
      ActorRef<Object> pool = context.spawn(Behaviors.setup(c -> new EvaluatorPool(c, runId, names, stopper)), "pool");
      ActorRef<RewardEvaluator.Command> evaluator = context.spawn(RewardEvaluator.create(
          () -> new PooledRewards(pool, work.reward().streams(), divided), names, datasets, work.batchSize(), scorer),
          "evaluator");
      context.watch(pool);
      context.watch(evaluator); // either stopping stops the link, and the run's guardian sees it
      return Behaviors.receive(Object.class)
          .onMessage(RewardEvaluator.Command.class, command -> {
            evaluator.tell(command);
            return Behaviors.same();
          })
          .build();
    });
  }

  private final String runId;
  private final List<String> names;
  private final ActorRef<NodeClaim.StopJob> stopper;
  private final String self;
  private final SnapshotService snapshots;
  private final TreeMap<String, Member> members = new TreeMap<>();
  private final Map<String, ActorRef<NodeClaim.Claim>> desks = new HashMap<>();
  private ParameterSnapshot reference;
  private SnapshotOffer referenceOffer;
  private Job job;

  private EvaluatorPool(ActorContext<Object> context, String runId, List<String> names,
      ActorRef<NodeClaim.StopJob> stopper) {
    super(context);
    this.runId = runId;
    this.names = names;
    this.stopper = stopper;
    this.self = Cluster.get(context.getSystem()).selfMember().address().toString();
    this.snapshots = SnapshotService.Id.get(context.getSystem());
    ActorRef<Receptionist.Listing> listings = context.getSelf().narrow();
    context.getSystem().receptionist().tell(Receptionist.subscribe(RunKeys.evaluator(runId), listings));
    context.getSystem().receptionist().tell(Receptionist.subscribe(RunKeys.claims(runId), listings));
    Cluster.get(context.getSystem()).subscriptions().tell(Subscribe.create(
        context.messageAdapter(ClusterEvent.ReachabilityEvent.class, Reachability::new),
        ClusterEvent.ReachabilityEvent.class));
  }

  @Override
  public Receive<Object> createReceive() {
    return newReceiveBuilder()
        .onMessage(Receptionist.Listing.class, this::onListing)
        .onMessage(Reachability.class, this::onReachability)
        .onMessage(NodeClaim.Granted.class, this::onGranted)
        .onMessage(NodeClaim.Refused.class, this::onRefused)
        .onMessage(SetReference.class, this::onSetReference)
        .onMessage(Compute.class, this::onCompute)
        .onMessage(Cancel.class, this::onCancel)
        .onMessage(RewardShare.Parts.class, this::onParts)
        .onMessage(RewardShare.Failed.class, this::onFailed)
        .build();
  }

  private Behavior<Object> onListing(Receptionist.Listing listing) {
    if (listing.isForKey(RunKeys.claims(runId))) {
      listing.getServiceInstances(RunKeys.claims(runId))
          .forEach(desk -> desks.put(desk.path().address().toString(), desk));
    }
    if (listing.isForKey(RunKeys.evaluator(runId))) {
      Map<String, ActorRef<RewardShare.Command>> listed = new HashMap<>();
      listing.getServiceInstances(RunKeys.evaluator(runId))
          .forEach(ref -> listed.put(ref.path().address().toString(), ref));
      for (String address : new ArrayList<>(members.keySet())) {
        if (!listed.containsKey(address) || !listed.get(address).equals(members.get(address).ref)) {
          members.remove(address);
          lost(address, "left the cluster");
        }
      }
      listed.forEach((address, ref) -> members.computeIfAbsent(address, a -> {
        getContext().getLog().warn("evaluator node {} registered", a);
        return new Member(ref);
      }));
    }
    members.forEach(this::claim);
    return this;
  }

  /** Claims a member's node once its desk is known; a member is used only once its node grants it. */
  private void claim(String address, Member member) {
    if (!member.claimAsked && desks.containsKey(address)) {
      member.claimAsked = true;
      desks.get(address).tell(new NodeClaim.Claim(self, stopper, getContext().getSelf().narrow()));
    }
  }

  private Behavior<Object> onGranted(NodeClaim.Granted granted) {
    Member member = members.get(granted.node());
    if (member != null && !member.claimed) {
      member.claimed = true;
      getContext().getLog().warn("evaluator node {} joined the pool ({} in it now)", granted.node(),
          members.values().stream().filter(m -> m.claimed).count());
      if (referenceOffer != null) {
        member.ref.tell(new RewardShare.Reference(referenceOffer));
      }
    }
    return this;
  }

  private Behavior<Object> onRefused(NodeClaim.Refused refused) {
    Member member = members.get(refused.node());
    if (member != null) {
      member.refused = true;
      getContext().getLog().warn("evaluator node {} serves another learner of this run ({}); it is not used",
          refused.node(), refused.owner());
    }
    return this;
  }

  private Behavior<Object> onReachability(Reachability changed) {
    String address = changed.event().member().address().toString();
    Member member = members.get(address);
    if (member == null) {
      return this;
    }
    member.reachable = changed.event() instanceof ClusterEvent.ReachableMember;
    if (!member.reachable) {
      lost(address, "became unreachable");
    }
    return this;
  }

  private Behavior<Object> onSetReference(SetReference set) {
    if (set.theta0() == reference) {
      return this; // a fresh reward model after a failure sets the same θ0 again
    }
    if (referenceOffer != null) {
      snapshots.withdraw(referenceOffer);
    }
    reference = set.theta0();
    referenceOffer = snapshots.offer(reference);
    members.values().stream().filter(m -> m.claimed).forEach(m -> m.ref.tell(new RewardShare.Reference(referenceOffer)));
    return this;
  }

  private List<String> usable() {
    List<String> usable = new ArrayList<>();
    members.forEach((address, m) -> {
      if (m.claimed && !m.refused && m.reachable) {
        usable.add(address);
      }
    });
    return usable;
  }

  private Behavior<Object> onCompute(Compute compute) {
    if (job != null) {
      fail(new IllegalStateException("snapshot " + job.version() + " was still being computed"));
    }
    List<String> usable = usable();
    if (usable.isEmpty()) {
      compute.result().completeExceptionally(new RewardEvaluator.Unavailable(noEvaluator()));
      return this;
    }
    int rows = compute.whole() ? 1 : names.size();
    job = new Job(compute, snapshots.offer(compute.snapshot()), rows);
    int[] all = new int[names.size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    assign(all, compute.whole() ? usable.subList(0, 1) : usable);
    return this;
  }

  /** Divides {@code datasets} into contiguous blocks, one per member (as many as there are datasets). */
  private void assign(int[] datasets, List<String> to) {
    int k = Math.min(to.size(), datasets.length);
    for (int m = 0; m < k; m++) {
      int from = m * datasets.length / k;
      int until = (m + 1) * datasets.length / k;
      int[] share = java.util.Arrays.copyOfRange(datasets, from, until);
      String address = to.get(m);
      job.out.computeIfAbsent(address, a -> new ArrayList<>()).add(share);
      members.get(address).ref.tell(share(share));
    }
  }

  private RewardShare.Compute share(int[] datasets) {
    RewardEvaluator.RewardBatches batches = job.compute.batches();
    return new RewardShare.Compute(job.offer, datasets, names.size(), pick(batches.train(), datasets),
        pick(batches.heldOut(), datasets), job.compute.whole(), getContext().getSelf().narrow());
  }

  private static List<List<TokenizedExample>> pick(List<List<TokenizedExample>> batches, int[] datasets) {
    if (batches.isEmpty()) {
      return List.of();
    }
    List<List<TokenizedExample>> picked = new ArrayList<>(datasets.length);
    for (int i : datasets) {
      picked.add(batches.get(i));
    }
    return picked;
  }

  private Behavior<Object> onParts(RewardShare.Parts parts) {
    if (job == null || job.version() != parts.version() || !job.out.containsKey(parts.member())) {
      return this; // an answer to an update already over, or a share since given to another member
    }
    List<int[]> held = job.out.get(parts.member());
    int[] share = held.stream().filter(s -> java.util.Arrays.equals(s, parts.datasets())).findFirst().orElse(null);
    if (share == null) {
      return this;
    }
    held.remove(share);
    if (held.isEmpty()) {
      job.out.remove(parts.member());
    }
    if (job.compute.whole()) {
      job.parts[0] = parts.parts()[0];
    } else {
      for (int k = 0; k < share.length; k++) {
        job.parts[share[k]] = parts.parts()[k];
      }
    }
    if (job.out.isEmpty()) {
      job.compute.result().complete(job.parts);
      finish();
    }
    return this;
  }

  private Behavior<Object> onFailed(RewardShare.Failed failed) {
    if (job != null && job.version() == failed.version() && job.out.containsKey(failed.member())) {
      fail(new IllegalStateException("evaluator node " + failed.member() + " failed its share of snapshot "
          + failed.version() + ": " + failed.reason()));
    }
    return this;
  }

  private Behavior<Object> onCancel(Cancel cancel) {
    if (job != null && job.version() == cancel.version()) {
      job.out.keySet().forEach(address -> {
        Member member = members.get(address);
        if (member != null) {
          member.ref.tell(new RewardShare.Abandon(cancel.version()));
        }
      });
      finish();
    }
    return this;
  }

  /** A member is gone: whatever share it held of the update in progress is redone by the others. */
  private void lost(String address, String how) {
    getContext().getLog().warn("evaluator node {} {}", address, how);
    if (job == null || !job.out.containsKey(address)) {
      return;
    }
    int[] share = job.out.remove(address).stream().flatMapToInt(java.util.Arrays::stream).sorted().toArray();
    List<String> usable = usable();
    usable.removeAll(List.of(address));
    if (usable.isEmpty()) {
      fail(new RewardEvaluator.Unavailable("evaluator node " + address + " " + how + " while computing its share"
          + " of snapshot " + job.version() + ", and " + noEvaluator()));
      return;
    }
    getContext().getLog().warn("its share of snapshot {} (datasets {}) is redone by {}", job.version(), named(share),
        String.join(", ", usable.subList(0, Math.min(usable.size(), share.length))));
    assign(share, job.compute.whole() ? usable.subList(0, 1) : usable);
  }

  private String named(int[] datasets) {
    List<String> out = new ArrayList<>();
    for (int i : datasets) {
      out.add(names.get(i));
    }
    return String.join(", ", out);
  }

  private String noEvaluator() {
    return "no evaluator node of this run is reachable (" + (members.isEmpty() ? "none registered"
        : members.size() + " known, none usable") + "): the update is skipped at once, and every one after it"
        + " until an evaluator node is back";
  }

  private void fail(RuntimeException error) {
    job.compute.result().completeExceptionally(error);
    finish();
  }

  private void finish() {
    snapshots.withdraw(job.offer);
    job = null;
  }
}
