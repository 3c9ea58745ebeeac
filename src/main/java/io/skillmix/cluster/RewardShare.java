package io.skillmix.cluster;

import io.skillmix.CrossNode;
import io.skillmix.data.TokenizedExample;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The protocol between a learner node's pool of reward evaluators and each member of the pool (one
 * per evaluator node). The learner node draws every reward batch itself and sends each member a
 * share of the datasets with their batches; a member fetches the snapshot named by the offer (once
 * per version), computes the parts of its datasets ({@code mix.Reward.Divided}) and answers them;
 * the learner node joins the parts. A reward that does not divide goes whole to one member.
 */
public final class RewardShare {

  private RewardShare() {}

  /** What a member hears. */
  public sealed interface Command extends CrossNode {}

  /** The starting weights θ0: fetch them before any share (rewards such as Diff compare with them). */
  public record Reference(SnapshotOffer offer) implements Command {}

  /**
   * Compute the parts of {@code datasets} on the offered snapshot.
   *
   * @param datasets indices of the run's datasets in this share, ascending
   * @param datasetCount the run's number of datasets
   * @param train the REWARD batches of {@code datasets}, in the same order (empty when the reward reads none)
   * @param heldOut the HELD_OUT batches likewise
   * @param whole the reward does not divide: compute it whole ({@code datasets} is then every dataset)
   */
  public record Compute(SnapshotOffer offer, int[] datasets, int datasetCount, List<List<TokenizedExample>> train,
      List<List<TokenizedExample>> heldOut, boolean whole, ActorRef<Answer> replyTo) implements Command {}

  /** The learner gave up on snapshot {@code version}: drop its shares not yet started. */
  public record Abandon(long version) implements Command {}

  /** A member's answer. */
  public sealed interface Answer extends CrossNode {}

  /** The parts of {@code datasets}, in their order (whole: one row, the rewards of every dataset). */
  public record Parts(long version, int[] datasets, double[][] parts, String member) implements Answer {}

  /** The share could not be computed: the snapshot did not arrive, or the reward failed. */
  public record Failed(long version, int[] datasets, String reason, String member) implements Answer {}
}
