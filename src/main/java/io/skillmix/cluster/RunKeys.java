package io.skillmix.cluster;

import io.skillmix.data.DatasetActor;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * The receptionist keys of one run's actors ({@code cluster.run-id} in every name), so the nodes
 * of two runs in one cluster never find each other's actors.
 */
public final class RunKeys {

  private RunKeys() {}

  /** Dataset {@code name} of run {@code runId}, registered by its data node. */
  public static ServiceKey<DatasetActor.Command> dataset(String runId, String name) {
    return ServiceKey.create(DatasetActor.Command.class, "skillmix-" + runId + "-dataset-" + name);
  }

  /** The reward evaluator of each evaluator node of run {@code runId}: one member of its pool. */
  public static ServiceKey<RewardShare.Command> evaluator(String runId) {
    return ServiceKey.create(RewardShare.Command.class, "skillmix-" + runId + "-evaluator");
  }

  /** The claim desk of each serving node of run {@code runId} ({@link NodeClaim}). */
  public static ServiceKey<NodeClaim.Claim> claims(String runId) {
    return ServiceKey.create(NodeClaim.Claim.class, "skillmix-" + runId + "-claims");
  }
}
