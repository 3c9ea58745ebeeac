package io.skillmix.learn;

import io.skillmix.checkpoint.Checkpointer;
import io.skillmix.checkpoint.Checkpoints;
import java.nio.file.Path;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The learner's side of a checkpoint: when one is due, writing the trainer's own files into a
 * pending folder and handing it to the {@link Checkpointer}, and which checkpoint is the last
 * complete one. It runs on the learner's thread, inside the learner's message handlers.
 */
final class LearnerCheckpoints {

  /** Non-finite steps in a row tolerated when no checkpointing settings say otherwise. */
  private static final int DEFAULT_MAX_BAD_STEPS = 20;

  private final LearnerSettings.Checkpointing settings;
  private long lastStep = -1;
  private Path last;
  private boolean sent;

  /** @param settings null: no checkpoints (tests of the learner alone) */
  LearnerCheckpoints(LearnerSettings.Checkpointing settings) {
    this.settings = settings;
  }

  /** A resumed learner starts at the checkpoint it came from: none is written again there. */
  void resumedAt(long step) {
    lastStep = step;
  }

  /** Whether a checkpoint after {@code step} steps is to be written at all. */
  boolean wanted(long step) {
    return settings != null && lastStep != step;
  }

  /** Whether the periodic checkpoint falls after {@code step} steps (the last one is written anyway). */
  boolean periodic(long step, long totalSteps) {
    return settings != null && step % settings.every() == 0 && step < totalSteps;
  }

  int maxBadSteps() {
    return settings == null ? DEFAULT_MAX_BAD_STEPS : settings.maxBadSteps();
  }

  /** The run's end after {@code inRow} non-finite steps in a row: what to change, and what is kept. */
  io.skillmix.UserError tooManyBadSteps(int inRow) {
    return new io.skillmix.UserError(inRow + " steps in a row had a non-finite loss or gradient"
        + " (train.max-bad-steps = " + maxBadSteps() + "); lower train.lr or raise train.warmup-fraction"
        + (last == null ? "" : "; the last good checkpoint is " + last));
  }

  /** A new checkpoint begins: nothing is sent yet. */
  void begin() {
    sent = false;
  }

  boolean sent() {
    return sent;
  }

  /**
   * Writes the trainer's files for the checkpoint after {@code step} steps and hands them, with
   * the learner's state, to the checkpointer; a failure to write leaves no pending folder.
   */
  void send(long step, Trainer trainer, Path sourceModel, String learnerState, ActorRef<Checkpointer.Result> replyTo) {
    sent = true;
    Checkpoints.Pending pending = settings.store().begin(step);
    try {
      trainer.saveState(pending.folder(), sourceModel);
    } catch (RuntimeException e) {
      pending.abandon();
      throw e;
    }
    settings.checkpointer().tell(new Checkpointer.Take(step, pending, learnerState, replyTo));
  }

  /** The checkpointer's answer: the new last checkpoint, or an error naming the last complete one. */
  Path ended(long step, Checkpointer.Result result) {
    if (result instanceof Checkpointer.Failed failed) {
      throw new IllegalStateException(failed.reason() + (last == null ? "" : "; the last complete checkpoint is " + last));
    }
    last = ((Checkpointer.Saved) result).folder();
    lastStep = step;
    return last;
  }

  /** The last checkpoint written by this learner, as text (it may cross nodes), or null. */
  String lastText() {
    return last == null ? null : last.toString();
  }

  /** Saves the trained model to {@code final/}, whole or not at all (a crash leaves no half-written folder). */
  static void saveFinal(LearnerSettings settings, Trainer trainer) {
    if (settings.finalModelDir() != null) {
      io.skillmix.output.AtomicFiles.deleteLeftovers(settings.finalModelDir()); // of a run killed while writing it
      io.skillmix.output.AtomicFiles.writeFolder(settings.finalModelDir(),
          folder -> trainer.save(folder, settings.sourceModel()));
    }
  }
}
