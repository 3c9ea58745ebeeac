package io.skillmix.node;

import com.typesafe.config.Config;
import io.skillmix.UserError;
import io.skillmix.cluster.NodeClaim;
import io.skillmix.cluster.NodeSystem;
import io.skillmix.cluster.RewardShare;
import io.skillmix.cluster.Role;
import io.skillmix.cluster.RunId;
import io.skillmix.cluster.RunKeys;
import io.skillmix.cluster.TlsFailures;
import io.skillmix.data.DatasetActor;
import io.skillmix.run.PeerFinder;
import io.skillmix.run.RunPreparation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Peer discovery of a learner node: waits, at most {@code cluster.wait-for-roles}, until a data
 * node of the same run has registered every dataset and (for a learned mixture) an evaluator node
 * has registered, then claims the data nodes ({@link NodeClaim}: one learner per run id; a node
 * that serves another learner of the run refuses, and this learner ends with one line) and answers
 * with the datasets and a pool of evaluators ({@link EvaluatorPool}). Then it stays, as the actor a
 * stopping serving node asks to stop the run ({@link NodeClaim.StopJob}).
 */
public final class ClusterPeers implements PeerFinder {

  public static final ClusterPeers FINDER = new ClusterPeers();

  private enum WaitedTooLong { INSTANCE }

  private ClusterPeers() {}

  @Override
  public Behavior<?> find(RunPreparation.Prepared prepared, Config config, ActorRef<Answer> replyTo,
      Consumer<RuntimeException> failNow, Runnable requestStop) {
    return Behaviors.<Object>setup(context -> Behaviors.withTimers(timers ->
        new Finding(context, timers, prepared, config, replyTo, failNow, requestStop).start()));
  }

  /** The search: listings until every peer is known, then the claims, then the stop desk. */
  private static final class Finding {
    private final ActorContext<Object> context;
    private final TimerScheduler<Object> timers;
    private final RunPreparation.Prepared prepared;
    private final ActorRef<Answer> replyTo;
    private final Runnable requestStop;
    private final Duration wait;
    private final boolean needsEvaluator;
    private final List<String> names;
    private final String runId;
    private final Map<String, ActorRef<DatasetActor.Command>> found = new LinkedHashMap<>();
    /** The claim desk of each serving node, by its address. */
    private final Map<String, ActorRef<NodeClaim.Claim>> desks = new HashMap<>();
    private boolean evaluatorSeen;
    /** Data-node desks still to claim, in address order; null until claiming starts. */
    private List<Map.Entry<String, ActorRef<NodeClaim.Claim>>> toClaim;

    Finding(ActorContext<Object> context, TimerScheduler<Object> timers, RunPreparation.Prepared prepared,
        Config config, ActorRef<Answer> replyTo, Consumer<RuntimeException> failNow, Runnable requestStop) {
      this.context = context;
      this.timers = timers;
      this.prepared = prepared;
      this.replyTo = replyTo;
      this.requestStop = requestStop;
      this.wait = Role.waitForRoles(config);
      this.needsEvaluator = prepared.settings().mix().learned() && prepared.settings().mix().plan().usesEvaluator();
      this.names = prepared.data().names();
      this.runId = RunId.of(config);
      NodeSystem.onRefusedJoin(context.getSystem(), failNow::accept);
    }

    Behavior<Object> start() {
      ActorRef<Receptionist.Listing> listings = context.getSelf().narrow();
      for (String name : names) {
        context.getSystem().receptionist().tell(Receptionist.subscribe(RunKeys.dataset(runId, name), listings));
      }
      if (needsEvaluator) {
        context.getSystem().receptionist().tell(Receptionist.subscribe(RunKeys.evaluator(runId), listings));
      }
      context.getSystem().receptionist().tell(Receptionist.subscribe(RunKeys.claims(runId), listings));
      timers.startSingleTimer(WaitedTooLong.INSTANCE, wait);
      return Behaviors.receive(Object.class)
          .onMessage(Receptionist.Listing.class, this::onListing)
          .onMessage(NodeClaim.Granted.class, this::onGranted)
          .onMessage(NodeClaim.Refused.class, this::onRefused)
          .onMessageEquals(WaitedTooLong.INSTANCE, this::onWaitedTooLong)
          .build();
    }

    private Behavior<Object> onListing(Receptionist.Listing listing) {
      for (String name : names) {
        ServiceKey<DatasetActor.Command> key = RunKeys.dataset(runId, name);
        if (listing.isForKey(key)) {
          listing.getServiceInstances(key).stream().findFirst().ifPresent(ref -> found.put(name, ref));
        }
      }
      ServiceKey<RewardShare.Command> evaluators = RunKeys.evaluator(runId);
      if (listing.isForKey(evaluators)) {
        evaluatorSeen = !listing.getServiceInstances(evaluators).isEmpty();
      }
      ServiceKey<NodeClaim.Claim> claims = RunKeys.claims(runId);
      if (listing.isForKey(claims)) {
        listing.getServiceInstances(claims).forEach(desk -> desks.put(desk.path().address().toString(), desk));
      }
      if (toClaim == null && found.size() == names.size() && (!needsEvaluator || evaluatorSeen)) {
        TreeMap<String, ActorRef<NodeClaim.Claim>> dataNodes = new TreeMap<>();
        for (ActorRef<DatasetActor.Command> dataset : found.values()) {
          String node = dataset.path().address().toString();
          if (!desks.containsKey(node)) {
            return Behaviors.same(); // its desk's registration has not reached this node yet
          }
          dataNodes.put(node, desks.get(node));
        }
        toClaim = new ArrayList<>(dataNodes.entrySet());
        claimNext();
      }
      return Behaviors.same();
    }

    /** Claims the data nodes one at a time, in address order, so two learners cannot split them. */
    private void claimNext() {
      String self = Cluster.get(context.getSystem()).selfMember().address().toString();
      toClaim.get(0).getValue().tell(new NodeClaim.Claim(self, context.getSelf().narrow(), context.getSelf().narrow()));
    }

    private Behavior<Object> onGranted(NodeClaim.Granted granted) {
      if (toClaim == null || toClaim.isEmpty() || !toClaim.get(0).getKey().equals(granted.node())) {
        return Behaviors.same();
      }
      toClaim.remove(0);
      if (!toClaim.isEmpty()) {
        claimNext();
        return Behaviors.same();
      }
      timers.cancel(WaitedTooLong.INSTANCE);
      Map<String, ActorRef<DatasetActor.Command>> datasets = new LinkedHashMap<>();
      names.forEach(name -> datasets.put(name, found.get(name)));
      ActorRef<NodeClaim.StopJob> stopper = context.getSelf().narrow();
      replyTo.tell(new Found(new Peers(datasets, needsEvaluator
          ? scorer -> EvaluatorPool.link(prepared, runId, datasets, scorer, stopper) : null)));
      return stopDesk();
    }

    private Behavior<Object> onRefused(NodeClaim.Refused refused) {
      timers.cancel(WaitedTooLong.INSTANCE);
      replyTo.tell(new NotFound(new UserError("cluster: the node at " + refused.node() + " already serves a learner"
          + " of this run (" + RunId.KEY + " " + runId + ") at " + refused.owner() + "; one learner per run: stop"
          + " that job first, or give this job its own run.dir or " + RunId.KEY)));
      return Behaviors.stopped();
    }

    private Behavior<Object> onWaitedTooLong() {
      List<String> missing = new ArrayList<>();
      if (found.size() < names.size()) {
        List<String> absent = new ArrayList<>(names);
        absent.removeAll(found.keySet());
        missing.add("data (datasets " + String.join(", ", absent) + ")");
      }
      if (needsEvaluator && !evaluatorSeen) {
        missing.add("evaluator");
      }
      String line = missing.isEmpty()
          ? "cluster: the data node did not answer this learner's claim within cluster.wait-for-roles = "
              + wait.toSeconds() + " s"
          : "cluster: no node with role " + String.join(" and ", missing) + " registered within"
              + " cluster.wait-for-roles = " + wait.toSeconds() + " s; start it with `skillmix node --role ROLE`"
              + " and the same run config, reachable through pekko.cluster.seed-nodes";
      replyTo.tell(new NotFound(new UserError(line + NodeSystem.otherRunsSeen(context.getSystem(), runId)
          + TlsFailures.describe())));
      return Behaviors.stopped();
    }

    /** After the answer: a serving node that is asked to stop asks the run to checkpoint and stop first. */
    private Behavior<Object> stopDesk() {
      return Behaviors.receive(Object.class)
          .onMessage(NodeClaim.StopJob.class, stop -> {
            context.getLog().warn("the serving node {} is stopping: the run checkpoints and stops first", stop.node());
            requestStop.run();
            return Behaviors.same();
          })
          .onAnyMessage(late -> Behaviors.same()) // listings and answers after the search
          .build();
    }
  }
}
