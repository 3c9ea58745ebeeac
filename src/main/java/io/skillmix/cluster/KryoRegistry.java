package io.skillmix.cluster;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.serializers.RecordSerializer;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import io.skillmix.data.DatasetActor;
import io.skillmix.data.ExampleStream;
import io.skillmix.data.TokenizedExample;
import io.skillmix.learn.Learner;
import io.skillmix.mix.MixtureScorer;
import io.skillmix.mix.Scorer;
import io.skillmix.mix.RewardEvaluator;
import io.skillmix.model.ParameterSnapshot;
import io.skillmix.metrics.MetricsSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.stream.SinkRef;
import org.apache.pekko.stream.SourceRef;

/**
 * Every class Kryo may write, with a fixed id. Ids come in blocks, one per package, so adding a
 * message takes the next free id of its block and never renumbers another: two nodes built from
 * different commits still agree on every id they share. Never reuse or change an id.
 *
 * <ul>
 *   <li>10–99: JDK and Pekko types, and the families below
 *   <li>100–199 {@code data}, 200–299 {@code learn}, 300–399 {@code mix}, 400–499 {@code model},
 *       500–599 {@code run}, 600–699 {@code cluster}
 * </ul>
 *
 * <p>A family row stands for every class of one kind (every {@code List}, every typed
 * {@code ActorRef}, every exception): the concrete classes are JDK or Pekko internals, so they are
 * written under the family's id by its codec and read back as the codec decides.
 */
public final class KryoRegistry {

  /** One registration: a fixed id, a class, and how to build its serializer (null: Kryo's default). */
  public record Row(int id, Class<?> type, Function<ExtendedActorSystem, Serializer<?>> codec,
      boolean family) {}

  /** First id of the message blocks: rows from here on belong to the project's packages. */
  public static final int FIRST_PROJECT_ID = 100;

  private static final List<Row> ROWS = build();

  private KryoRegistry() {}

  private static List<Row> build() {
    Rows r = new Rows();
    // 10–99: JDK arrays, families, Pekko
    r.value(10, int[].class);
    r.value(11, long[].class);
    r.value(12, float[].class);
    r.value(13, double[].class);
    r.value(14, boolean[].class);
    r.value(15, byte[].class);
    r.value(16, String[].class);
    r.value(17, double[][].class);
    r.family(20, List.class, system -> new KryoCodecs.ListCodec());
    r.family(21, Set.class, system -> new KryoCodecs.SetCodec());
    r.family(22, Map.class, system -> new KryoCodecs.MapCodec());
    r.family(30, ActorRef.class, KryoCodecs.ActorRefCodec::new);
    r.family(31, SourceRef.class, KryoCodecs.PekkoCodec::new);
    r.family(32, SinkRef.class, KryoCodecs.PekkoCodec::new);
    r.family(40, Throwable.class, system -> new KryoCodecs.ThrowableCodec());

    // 100–199: data
    r.record(100, DatasetActor.RequestBatch.class);
    r.record(101, DatasetActor.Batch.class);
    r.record(102, DatasetActor.SetProbability.class);
    r.record(103, DatasetActor.GetState.class);
    // 104 was DatasetActor.State: states now travel as checkpoint.ComponentState (700)
    r.record(105, DatasetActor.Restore.class);
    r.value(106, DatasetActor.StreamKind.class);
    r.record(110, TokenizedExample.class);
    r.record(111, ExampleStream.Position.class);

    // 200–299: learn
    r.record(200, Learner.Start.class);
    // 201 was Learner.NewProbabilities, 204 Learner.UpdateFailed: the scorer's answer comes as 206
    r.record(202, Learner.Finished.class);
    r.record(203, Learner.Failed.class);
    r.value(205, Learner.RequestStop.class);
    r.record(206, Learner.ScorerAnswered.class);

    // 300–399: mix
    r.record(300, RewardEvaluator.Reference.class);
    r.record(301, RewardEvaluator.Evaluate.class);
    r.record(302, RewardEvaluator.Abandon.class);
    r.record(310, MixtureScorer.Rewards.class);
    r.record(311, MixtureScorer.Subscribe.class);
    r.record(312, MixtureScorer.GetState.class);
    // 313 and 315 were MixtureScorer.State and Scorer.State: now ComponentState (700)
    r.record(314, MixtureScorer.RewardsFailed.class);
    r.record(316, MixtureScorer.Restore.class);
    r.record(317, MixtureScorer.Computed.class);
    r.record(318, MixtureScorer.NotComputed.class);
    r.record(319, MixtureScorer.Observed.class);
    r.record(320, MixtureScorer.Missed.class);
    r.record(321, MixtureScorer.Measured.class);
    r.record(322, io.skillmix.mix.MixturePolicy.StepLosses.class);

    // 400–499: model
    r.record(400, ParameterSnapshot.class);

    // 500–599: run
    // 500–505 were MetricsSink's messages: now 800–805 (package metrics)
    // 506 was ResumePoint: now ComponentState (700)
    // 507, 508 were the evaluator host's Start and Ready: now 603, 604 (EvaluatorHost, package cluster)

    // 600–699: cluster
    // 600 was SnapshotChunk, 601 the StreamRef SnapshotOffer, 602 and 605 RemoteEvaluator's Offered and
    // Abandon, 603 and 604 EvaluatorHost's Start and Ready: snapshots now travel on a connection of
    // their own (SnapshotService, offer 606) and rewards come from a pool (RewardShare, 610–614)
    r.record(606, SnapshotOffer.class);
    r.value(607, SnapshotDtype.class);
    r.record(610, RewardShare.Reference.class);
    r.record(611, RewardShare.Compute.class);
    r.record(612, RewardShare.Abandon.class);
    r.record(613, RewardShare.Parts.class);
    r.record(614, RewardShare.Failed.class);
    r.record(620, NodeClaim.Claim.class);
    r.record(621, NodeClaim.Granted.class);
    r.record(622, NodeClaim.Refused.class);
    r.record(623, NodeClaim.StopJob.class);

    // 700–799: checkpoint
    r.record(700, io.skillmix.checkpoint.ComponentState.class);

    // 800–899: metrics
    // 800 was MetricsSink.TrainStep with one dataset name: now 808, with per-dataset losses and counts
    // 801 was MetricsSink.WeightsApplied(step, version, probabilities): now 806, carrying a WeightUpdate (807)
    r.record(802, MetricsSink.RewardsComputed.class);
    r.record(803, MetricsSink.Note.class);
    r.record(804, MetricsSink.Finish.class);
    r.record(805, MetricsSink.Mark.class);
    r.record(806, MetricsSink.WeightsApplied.class);
    r.record(807, io.skillmix.metrics.WeightUpdate.class);
    r.record(808, MetricsSink.TrainStep.class);
    r.record(809, MetricsSink.Evaluated.class);
    r.record(810, MetricsSink.SnapshotSent.class);
    r.record(811, MetricsSink.SnapshotAnswered.class);
    return List.copyOf(r.rows.values());
  }

  /** Every row, by id. */
  public static List<Row> rows() {
    return ROWS;
  }

  /** A Kryo that writes exactly the registered classes and refuses every other one. */
  public static Kryo newKryo(ExtendedActorSystem system) {
    List<Class<?>> families = new ArrayList<>();
    for (Row row : ROWS) {
      if (row.family()) {
        families.add(row.type());
      }
    }
    // No reference tracking: messages are trees, and Kryo writes them faster without it.
    Kryo kryo = new Kryo(new FamilyResolver(families), null);
    kryo.setRegistrationRequired(true);
    for (Row row : ROWS) {
      if (row.codec() == null) {
        kryo.register(row.type(), row.id());
      } else {
        kryo.register(row.type(), row.codec().apply(system), row.id());
      }
    }
    return kryo;
  }

  /** Builds rows, refusing a reused id or class. */
  private static final class Rows {
    final TreeMap<Integer, Row> rows = new TreeMap<>();

    void value(int id, Class<?> type) {
      add(new Row(id, type, null, false));
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    void record(int id, Class<?> type) {
      if (!type.isRecord()) {
        throw new IllegalArgumentException(type.getName() + " is not a record");
      }
      add(new Row(id, type, system -> new RecordSerializer(type), false));
    }

    void family(int id, Class<?> type, Function<ExtendedActorSystem, Serializer<?>> codec) {
      add(new Row(id, type, codec, true));
    }

    private void add(Row row) {
      if (row.id() < 10) {
        throw new IllegalArgumentException("ids below 10 are Kryo's own: " + row);
      }
      Row before = rows.putIfAbsent(row.id(), row);
      if (before != null) {
        throw new IllegalArgumentException("id " + row.id() + " given twice: " + before.type().getName()
            + " and " + row.type().getName());
      }
      for (Row other : rows.values()) {
        if (other != row && other.type() == row.type()) {
          throw new IllegalArgumentException(row.type().getName() + " registered twice");
        }
      }
    }
  }

  /**
   * Kryo's resolver, plus families: a class with no registration of its own is written under the
   * first family it belongs to. Any other class stays unregistered, and Kryo refuses it.
   */
  private static final class FamilyResolver extends DefaultClassResolver {
    private final List<Class<?>> families;

    FamilyResolver(List<Class<?>> families) {
      this.families = List.copyOf(families);
    }

    @Override
    public Registration getRegistration(Class type) {
      Registration registration = super.getRegistration(type);
      if (registration != null || type == null) {
        return registration;
      }
      for (Class<?> family : families) {
        if (family.isAssignableFrom(type)) {
          registration = super.getRegistration(family);
          // Remember the answer for this class; ids are untouched, so reading is unaffected.
          classToRegistration.put(type, registration);
          return registration;
        }
      }
      return null;
    }
  }
}
