package io.skillmix.cluster;

import io.skillmix.CrossNode;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * One learner per run: before a learner node uses a serving node's actors it claims the node, and
 * the node serves the first learner that claims it and refuses every other one while it serves.
 * Without this, a second {@code node --role learner} of the same run id would draw batches from the
 * first job's dataset actors and quietly change its training data. A serving node keeps the owner's
 * {@link #stopJob} ref: when the node itself is asked to stop (SIGTERM), it asks the learner to
 * checkpoint and stop first, and goes once the learner has left.
 */
public final class NodeClaim {

  private NodeClaim() {}

  /**
   * A learner node claims a serving node.
   *
   * @param learner the claiming learner node's address, as the cluster names it
   * @param stopJob where the serving node sends {@link StopJob} when it is asked to stop
   */
  public record Claim(String learner, ActorRef<StopJob> stopJob, ActorRef<Answer> replyTo) implements CrossNode {}

  /** The serving node's answer. */
  public sealed interface Answer extends CrossNode {}

  /** The node serves this learner from now on. */
  public record Granted(String node) implements Answer {}

  /** The node already serves another learner of the run, at {@code owner}. */
  public record Refused(String node, String owner) implements Answer {}

  /** A serving node of the job is stopping: the learner should checkpoint and stop. */
  public record StopJob(String node) implements CrossNode {}
}
