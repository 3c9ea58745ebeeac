package io.skillmix.node;

import io.skillmix.cluster.RewardShare;
import io.skillmix.cluster.RunKeys;
import io.skillmix.cluster.SnapshotService;
import io.skillmix.data.TokenizedExample;
import io.skillmix.mix.ModelRewards;
import io.skillmix.mix.RewardEvaluator;
import io.skillmix.model.ParameterSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.slf4j.Logger;

/**
 * One member of a run's pool of reward evaluators, on an evaluator node: it registers under its
 * run's {@link RunKeys#evaluator} key, keeps a replica of the model (and θ0) on this node's device,
 * and computes the shares the learner node sends it ({@link RewardShare.Compute}): it fetches the
 * offered snapshot once per version ({@link SnapshotService}), computes the parts of its datasets
 * and answers them. Everything runs in order on one worker thread of its own, so θ0 is in place
 * before the first share and the actor stays responsive.
 */
final class EvaluatorMember {

  private EvaluatorMember() {}

  static Behavior<RewardShare.Command> create(String runId, Supplier<ModelRewards> model) {
    return Behaviors.setup(context -> {
      context.getSystem().receptionist().tell(Receptionist.register(RunKeys.evaluator(runId), context.getSelf()));
      Worker worker = new Worker(context, model);
      return Behaviors.receive(RewardShare.Command.class)
          .onMessage(RewardShare.Reference.class, reference -> {
            worker.submit(() -> worker.reference(reference));
            return Behaviors.same();
          })
          .onMessage(RewardShare.Compute.class, compute -> {
            worker.submit(() -> worker.compute(compute));
            return Behaviors.same();
          })
          .onMessage(RewardShare.Abandon.class, abandon -> {
            worker.abandoned.add(abandon.version());
            return Behaviors.same();
          })
          .onSignal(PostStop.class, stop -> {
            worker.stop();
            return Behaviors.same();
          })
          .build();
    });
  }

  /** The member's state, touched only on its worker thread (but for the abandoned versions). */
  private static final class Worker {
    private final ExecutorService thread;
    private final Supplier<ModelRewards> factory;
    private final SnapshotService snapshots;
    private final Logger log;
    private final String name;
    final Set<Long> abandoned = ConcurrentHashMap.newKeySet();
    private ModelRewards model;
    private ParameterSnapshot reference;
    private ParameterSnapshot current;

    Worker(ActorContext<RewardShare.Command> context, Supplier<ModelRewards> factory) {
      this.factory = factory;
      this.snapshots = SnapshotService.Id.get(context.getSystem());
      this.log = context.getLog();
      this.name = context.getSystem().address().toString();
      this.thread = Executors.newSingleThreadExecutor(task -> {
        Thread t = new Thread(task, "skillmix-evaluator-member");
        t.setDaemon(true);
        return t;
      });
    }

    void submit(Runnable task) {
      thread.execute(task);
    }

    void reference(RewardShare.Reference message) {
      try {
        reference = snapshots.fetch(message.offer());
        model().setReference(reference);
      } catch (RuntimeException e) {
        log.error("θ0 did not arrive: {}; shares fail until it does", e.getMessage());
        reference = null;
      }
    }

    void compute(RewardShare.Compute share) {
      long version = share.offer().version();
      if (abandoned.contains(version)) {
        return; // the learner gave up on it while it waited here
      }
      try {
        if (reference == null) {
          throw new IllegalStateException("this evaluator has no θ0 (its transfer failed)");
        }
        if (current == null || current.version() != version) {
          current = null; // never compute on a part of a snapshot: the old one goes first
          current = snapshots.fetch(share.offer());
        }
        log.info("computing the share of snapshot {}: datasets {}", version, java.util.Arrays.toString(share.datasets()));
        RewardEvaluator.RewardBatches batches = new RewardEvaluator.RewardBatches(
            spread(share.train(), share.datasets(), share.datasetCount()),
            spread(share.heldOut(), share.datasets(), share.datasetCount()));
        double[][] parts = share.whole()
            ? new double[][] {model().rewards(current, batches)}
            : model().parts(current, batches, share.datasets());
        share.replyTo().tell(new RewardShare.Parts(version, share.datasets(), parts, name));
      } catch (RuntimeException e) {
        log.error("the share of snapshot {} failed: {}", version, e.toString());
        share.replyTo().tell(new RewardShare.Failed(version, share.datasets(), e.toString(), name));
      }
    }

    /** The share's batches at their datasets' places of a list of every dataset (the others empty). */
    private static List<List<TokenizedExample>> spread(List<List<TokenizedExample>> batches, int[] datasets, int n) {
      if (batches.isEmpty()) {
        return List.of();
      }
      List<List<TokenizedExample>> all = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        all.add(List.of());
      }
      for (int k = 0; k < datasets.length; k++) {
        all.set(datasets[k], batches.get(k));
      }
      return all;
    }

    private ModelRewards model() {
      if (model == null) {
        model = factory.get();
      }
      return model;
    }

    void stop() {
      thread.execute(() -> {
        if (model != null) {
          model.close();
        }
      });
      thread.shutdown();
    }
  }
}
