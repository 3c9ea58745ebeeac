package io.skillmix.run;

import io.skillmix.run.RunPreparation.Prepared;

import io.skillmix.checkpoint.CheckpointState;
import io.skillmix.checkpoint.ComponentState;
import io.skillmix.data.DatasetActor;
import io.skillmix.mix.MixtureScorer;
import io.skillmix.mix.EvaluatorWork;
import io.skillmix.mix.ModelRewards;
import io.skillmix.mix.RewardEvaluator;
import io.skillmix.model.ModelConfig;
import io.skillmix.model.ModelInputs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * How the actors of a run are built from its preparation, the same in one JVM and on the nodes of
 * a cluster (a data node spawns the datasets, an evaluator node the evaluator, as here).
 */
public final class RunActors {

  private RunActors() {}

  /** Restarts a dataset actor may use a minute before the run gives up on it. */
  public static final int DATASET_RESTARTS = 3;

  /** Dispatcher with one thread per actor, for the actors that run DJL (the learner, the evaluator). */
  public static final String PINNED = "skillmix-dispatchers.pinned";

  /** Each stateful actor gets its part of the checkpoint the same way: a Restore message of its JSON. */
  static void restore(CheckpointState state, List<String> names,
      Map<String, ActorRef<DatasetActor.Command>> datasets, ActorRef<MixtureScorer.Command> scorer) {
    for (String name : names) {
      datasets.get(name).tell(new DatasetActor.Restore(state.component(ComponentState.dataset(name))));
    }
    if (scorer != null) {
      scorer.tell(new MixtureScorer.Restore(state.component(CheckpointState.SCORER)));
    }
  }

  /**
   * Spawns one supervised dataset actor per dataset of the run, seeded as in every layout, so a
   * data node serves the same batches as a single JVM.
   */
  public static Map<String, ActorRef<DatasetActor.Command>> spawnDatasets(ActorContext<?> context, Prepared prepared,
      Consumer<String> onRestart) {
    return spawnDatasets(context, prepared, ActorHooks.NONE, onRestart);
  }

  static Map<String, ActorRef<DatasetActor.Command>> spawnDatasets(ActorContext<?> context,
      Prepared prepared, ActorHooks hooks, Consumer<String> onRestart) {
    RunSettings settings = prepared.settings();
    Map<String, ActorRef<DatasetActor.Command>> datasets = new LinkedHashMap<>();
    List<RunData.Set> sets = prepared.data().sets();
    for (int i = 0; i < sets.size(); i++) {
      RunData.Set set = sets.get(i);
      Behavior<DatasetActor.Command> behavior = DatasetActor.supervised(
          new DatasetActor.Settings(set.name(), settings.orderSeed() * 1_000_003L + i,
              settings.data().prefetchSteps()), set.train(), set.heldOut(), prepared.encoder(), DATASET_RESTARTS,
          onRestart);
      datasets.put(set.name(), context.spawn(FatalErrors.contained(hooks.around(ComponentState.dataset(set.name()), behavior)),
          "dataset-" + i, DispatcherSelector.blocking()));
    }
    return datasets;
  }

  /** The reward evaluator of a policy with evaluator work, its reward model on devices.evaluator. */
  public static Behavior<RewardEvaluator.Command> evaluatorBehavior(Prepared prepared,
      Map<String, ActorRef<DatasetActor.Command>> datasets, ActorRef<MixtureScorer.Command> scorer) {
    RunSettings settings = prepared.settings();
    ModelConfig modelConfig = prepared.modelConfig();
    EvaluatorWork work = settings.mix().plan().evaluator();
    io.skillmix.learn.LrSchedule schedule = io.skillmix.learn.LrSchedule.of(settings.train());
    return RewardEvaluator.create(() -> ModelRewards.create(work, settings.evaluatorDevice(), settings.evaluatorThreads(),
        modelConfig, settings.lora(), ModelInputs.padIdOf(prepared.encoder().tokenizer()), schedule::lr),
        prepared.data().names(), datasets, work.batchSize(), scorer);
  }

  /**
   * The evaluation during training of a run ({@code eval.every}), its tasks prepared here, before
   * the learner starts: the held-out examples of every dataset of the mix (also those that
   * {@code data.only} leaves out of training, so every arm of a comparison is scored alike), at most
   * {@code eval.every-examples} per task, as {@code skillmix eval} scores them. Null when off, or
   * when there is nothing to evaluate ({@code why} hears the reason).
   */
  static io.skillmix.learn.PeriodicEvaluation.Plan periodicEvaluation(Prepared prepared,
      java.util.function.BooleanSupplier stop, Consumer<String> why) {
    RunSettings settings = prepared.settings();
    RunSettings.Evaluating evaluating = settings.evaluating();
    if (evaluating.every() == 0) {
      return null;
    }
    RunData all = settings.data().only().isEmpty() ? prepared.data() : RunData.read(settings);
    io.skillmix.eval.EvaluationTasks tasks = io.skillmix.eval.EvaluationTasks.prepare(prepared.encoder().tokenizer(),
        prepared.encoder().template(), Math.min(settings.data().maxLength(), prepared.modelConfig().maxPositionEmbeddings()),
        RunData.evaluationInputs(settings, all),
        new io.skillmix.eval.Evaluation.Options(evaluating.examples(), 16, 128, null, null, null, false));
    if (tasks.size() == 0) {
      why.accept("eval.every = " + evaluating.every() + " but no dataset has held-out examples: nothing is evaluated"
          + " during training (give each a held-out share: data.datasets = [{..., held-out = 0.05}])");
      return null;
    }
    return new io.skillmix.learn.PeriodicEvaluation.Plan(evaluating.every(), settings.train().steps(), tasks,
        settings.learnerThreads(), stop);
  }
}
