package io.skillmix.learn;

import io.skillmix.checkpoint.Checkpointer;
import io.skillmix.checkpoint.Checkpoints;
import io.skillmix.mix.ApplyMode;
import io.skillmix.mix.BatchMixing;
import io.skillmix.mix.PolicyTiming;
import io.skillmix.model.ParameterSnapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a {@link Learner} is built with: how long it trains and when its probabilities change.
 *
 * @param timing when the mixing policy observes and updates, and what it dictates ({@link PolicyTiming#NEVER}
 *     for a static mixture)
 * @param lagSteps L: steps between an update's observation and the step its probabilities take effect
 * @param updateTimeout the update deadline, the learner's alone: how long it waits for a snapshot's
 *     answer once it needs it before skipping that update (see {@link SnapshotUpdates})
 * @param finalModelDir where the trained model goes at the end (null: nowhere, in tests)
 * @param sourceModel the model folder the run started from, whose tokenizer files are copied
 * @param batchMixing a dataset drawn for every example of a step, or one for the whole step
 */
public record LearnerSettings(long steps, int batchSize, PolicyTiming timing, int lagSteps, ApplyMode apply,
    Duration updateTimeout, Path finalModelDir, Path sourceModel, BatchMixing batchMixing) {

  /**
   * An update on the evaluator every {@code updateEvery} steps (0: none), one dataset per step
   * ({@link BatchMixing#BATCH}): a learner that tests drive batch by batch.
   */
  public LearnerSettings(long steps, int batchSize, int updateEvery, int lagSteps, ApplyMode apply,
      Duration updateTimeout, Path finalModelDir, Path sourceModel) {
    this(steps, batchSize, PolicyTiming.every(updateEvery), lagSteps, apply, updateTimeout, finalModelDir,
        sourceModel, BatchMixing.BATCH);
  }

  /**
   * What the learner needs to write checkpoints.
   *
   * @param store where the learner writes its own files (model, optimizer) into a pending folder
   * @param every steps between checkpoints; one is also written at the end and on a stop request
   * @param maxBadSteps non-finite steps in a row tolerated before the run fails
   * @param checkpointer gathers every other actor's state and makes the checkpoint durable
   */
  public record Checkpointing(Checkpoints store, long every, int maxBadSteps,
      ActorRef<Checkpointer.Command> checkpointer) {}

  /**
   * A learner continuing a run: its state (the checkpoint's {@code learner} component, JSON), and
   * the run's starting weights θ0 for the evaluator.
   */
  public record Resumed(String state, Supplier<ParameterSnapshot> reference) {}

}
