package io.skillmix.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import io.skillmix.UserError;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The actor system of a skillmix JVM. On a cluster node it carries the run's identity: its config
 * holds the resolved {@code cluster.run-id} (which {@link RunIdCheck} compares when a node joins)
 * and its cluster roles are the node's role plus {@code run-ID}. A port in use ends in one line.
 */
public final class NodeSystem {

  /** Every skillmix actor system has this name; runs are told apart by their run id. */
  public static final String NAME = "skillmix";

  private NodeSystem() {}

  /** Starts {@code guardian} in an actor system for {@code config}, one of a cluster run's if its role is not all. */
  public static <T> ActorSystem<T> create(Behavior<T> guardian, Config config) {
    Config node = config;
    Role role = Role.from(config);
    if (role != Role.ALL) {
      node = RunId.resolve(config);
      List<String> roles = new ArrayList<>(config.getStringList("pekko.cluster.roles"));
      for (String extra : List.of(role.key(), RunId.role(RunId.of(node)))) {
        if (!roles.contains(extra)) {
          roles.add(extra);
        }
      }
      node = node.withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(roles));
    }
    NodePort.requireFree(node);
    return start(guardian, node);
  }

  /** Starts the actor system; a port taken between the check and Artery's bind is the same one line. */
  static <T> ActorSystem<T> start(Behavior<T> guardian, Config node) {
    try {
      return ActorSystem.create(guardian, NAME, node);
    } catch (RuntimeException e) {
      if (NodePort.bindFailure(e) != null && NodePort.of(node) != null) {
        throw NodePort.inUse(NodePort.of(node), NodePort.bindFailure(e));
      }
      throw e;
    }
  }

  /**
   * The line for a node that a seed node refused (another run's, {@link RunIdCheck}), if that is
   * why {@code system} shut down.
   */
  public static Optional<UserError> refusedJoin(ActorSystem<?> system) {
    Optional<CoordinatedShutdown.Reason> reason = CoordinatedShutdown.get(system).getShutdownReason();
    if (reason.isEmpty() || !reason.get().equals(CoordinatedShutdown.incompatibleConfigurationDetectedReason())) {
      return Optional.empty();
    }
    Config config = system.settings().config();
    return Optional.of(new UserError("cluster: the nodes at pekko.cluster.seed-nodes "
        + config.getStringList("pekko.cluster.seed-nodes") + " refused this node: they belong to another run ("
        + "this node's " + RunId.KEY + " is '" + RunId.of(config) + "'; their log names theirs) or differ in"
        + " pekko.cluster.downing-provider-class; give every node of a job the same run config, and each job"
        + " its own ports (scripts/cluster-local: SKILLMIX_CLUSTER_PORT_BASE)"));
  }

  /** Calls {@code then} with {@link #refusedJoin}'s line when {@code system} shuts down for that reason. */
  public static void onRefusedJoin(ActorSystem<?> system, Consumer<UserError> then) {
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "skillmix-refused-join",
        () -> {
          refusedJoin(system).ifPresent(then);
          return CompletableFuture.completedFuture(Done.getInstance());
        });
  }

  /**
   * What a learner that found no peers of its own run adds to its line: the other runs whose
   * serving nodes are in its cluster (possible only when a join skipped {@link RunIdCheck}), or "".
   */
  public static String otherRunsSeen(ActorSystem<?> system, String runId) {
    TreeSet<String> others = new TreeSet<>();
    for (Member member : Cluster.get(system).state().getMembers()) {
      boolean serving = member.hasRole(Role.DATA.key()) || member.hasRole(Role.EVALUATOR.key());
      for (String role : member.getRoles()) {
        if (serving && role.startsWith(RunId.ROLE_PREFIX) && !role.equals(RunId.role(runId))) {
          others.add(role.substring(RunId.ROLE_PREFIX.length()));
        }
      }
    }
    if (others.isEmpty()) {
      return "";
    }
    return "; the cluster has serving nodes of another run (" + RunId.KEY + " " + String.join(", ", others)
        + ", this run's is " + runId + "): give every node of a job the same run config";
  }

  /** Whether {@code member} is a node of run {@code runId}. */
  public static boolean ofRun(Member member, String runId) {
    return member.hasRole(RunId.role(runId));
  }
}
