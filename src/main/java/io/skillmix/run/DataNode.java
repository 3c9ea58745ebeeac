package io.skillmix.run;

import io.skillmix.data.DatasetActor;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * The dataset actors on a node of their own (role {@code data}): the node spawns one per dataset
 * of the run's config, seeded as in one JVM, and registers each under {@link #key} with the
 * cluster receptionist, where a learner node of the same run finds them by name.
 */
public final class DataNode {

  private DataNode() {}

  /** The receptionist key of dataset {@code name} of run {@code runId} ({@code cluster.run-id}). */
  public static ServiceKey<DatasetActor.Command> key(String runId, String name) {
    return ServiceKey.create(DatasetActor.Command.class, "skillmix-" + runId + "-dataset-" + name);
  }
}
