package io.skillmix.cluster.node;

import com.typesafe.config.Config;
import io.skillmix.UserError;
import io.skillmix.cluster.ClusterSettings;
import io.skillmix.cluster.EvaluatorHost;
import io.skillmix.cluster.NodeSystem;
import io.skillmix.cluster.Role;
import io.skillmix.cluster.RunId;
import io.skillmix.data.DatasetActor;
import io.skillmix.run.PeerFinder;
import io.skillmix.run.RunPreparation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * Peer discovery of a learner node: waits, at most {@code cluster.wait-for-roles}, until a data
 * node of the same run has registered every dataset and (for a learned mixture) an evaluator node
 * its host, and answers with them; otherwise one line naming what is missing.
 */
public final class ClusterPeers implements PeerFinder {

  public static final ClusterPeers FINDER = new ClusterPeers();

  private sealed interface Command {}

  private record Listed(Receptionist.Listing listing) implements Command {}

  private enum WaitedTooLong implements Command { INSTANCE }

  private ClusterPeers() {}

  @Override
  public Behavior<?> find(RunPreparation.Prepared prepared, Config config, ActorRef<Answer> replyTo,
      java.util.function.Consumer<RuntimeException> failNow) {
    Duration wait = Role.waitForRoles(config);
    boolean needsEvaluator = prepared.settings().mix().learned() && prepared.settings().mix().plan().usesEvaluator();
    List<String> names = prepared.data().names();
    String runId = RunId.of(config);
    ServiceKey<EvaluatorHost.Command> evaluatorKey = EvaluatorHost.key(runId);
    return Behaviors.<Command>setup(context -> Behaviors.withTimers(timers -> {
      NodeSystem.onRefusedJoin(context.getSystem(), failNow::accept);
      ActorRef<Receptionist.Listing> adapter = context.messageAdapter(Receptionist.Listing.class, Listed::new);
      for (String name : names) {
        context.getSystem().receptionist().tell(Receptionist.subscribe(EvaluatorHost.datasetKey(runId, name), adapter));
      }
      if (needsEvaluator) {
        context.getSystem().receptionist().tell(Receptionist.subscribe(evaluatorKey, adapter));
      }
      timers.startSingleTimer(WaitedTooLong.INSTANCE, wait);
      Map<String, ActorRef<DatasetActor.Command>> found = new LinkedHashMap<>();
      List<ActorRef<EvaluatorHost.Command>> evaluator = new ArrayList<>(1);
      return Behaviors.receive(Command.class)
          .onMessage(Listed.class, listed -> {
            Receptionist.Listing listing = listed.listing();
            for (String name : names) {
              ServiceKey<DatasetActor.Command> key = EvaluatorHost.datasetKey(runId, name);
              if (listing.isForKey(key)) {
                listing.getServiceInstances(key).stream().findFirst().ifPresent(ref -> found.put(name, ref));
              }
            }
            if (listing.isForKey(evaluatorKey)) {
              evaluator.clear();
              listing.getServiceInstances(evaluatorKey).stream().findFirst().ifPresent(evaluator::add);
            }
            if (found.size() < names.size() || (needsEvaluator && evaluator.isEmpty())) {
              return Behaviors.same();
            }
            timers.cancel(WaitedTooLong.INSTANCE);
            Map<String, ActorRef<DatasetActor.Command>> datasets = new LinkedHashMap<>();
            names.forEach(name -> datasets.put(name, found.get(name)));
            // On another node: snapshots travel there in chunks (cluster.snapshot-chunk-bytes).
            int chunkBytes = ClusterSettings.from(config).snapshotChunkBytes();
            ActorRef<EvaluatorHost.Command> host = needsEvaluator ? evaluator.get(0) : null;
            replyTo.tell(new Found(new Peers(datasets, host == null ? null
                : scorer -> EvaluatorLink.create(host, scorer, datasets, chunkBytes))));
            return Behaviors.stopped();
          })
          .onMessageEquals(WaitedTooLong.INSTANCE, () -> {
            List<String> missing = new ArrayList<>();
            if (found.size() < names.size()) {
              List<String> absent = new ArrayList<>(names);
              absent.removeAll(found.keySet());
              missing.add("data (datasets " + String.join(", ", absent) + ")");
            }
            if (needsEvaluator && evaluator.isEmpty()) {
              missing.add("evaluator");
            }
            replyTo.tell(new NotFound(new UserError("cluster: no node with role " + String.join(" and ", missing)
                + " registered within cluster.wait-for-roles = " + wait.toSeconds() + " s; start it with"
                + " `skillmix node --role ROLE` and the same run config, reachable through pekko.cluster.seed-nodes"
                + NodeSystem.otherRunsSeen(context.getSystem(), runId))));
            return Behaviors.stopped();
          })
          .build();
    }));
  }
}
