package io.skillmix.run;

import io.skillmix.metrics.MetricsSink;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.data.DatasetActor;
import io.skillmix.mix.MixtureScorer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every actor of a run is watched and every wait has a deadline: whichever actor dies, the run
 * ends with one line naming it and the last complete checkpoint, and never hangs (the timeout of
 * each test is only a guard: the runs end in seconds). Faults are injected through
 * {@link ActorHooks} in real runs.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ActorFailuresTest {

  @TempDir static Path dir;

  @BeforeAll
  static void fixtures() {
    RunFixtures.write(dir);
  }

  /** The actor named {@code name} throws when a message of {@code type} reaches it. */
  private static ActorHooks throwingOn(String name, Class<?> type) {
    return intercepting(name, type, true);
  }

  /** The actor named {@code name} silently drops every message of {@code type}. */
  private static ActorHooks ignoring(String name, Class<?> type) {
    return intercepting(name, type, false);
  }

  private static ActorHooks intercepting(String name, Class<?> type, boolean fail) {
    return new ActorHooks() {
      @Override
      @SuppressWarnings("unchecked")
      public <T> Behavior<T> around(String actor, Behavior<T> behavior) {
        if (!actor.equals(name)) {
          return behavior;
        }
        Class<T> all = (Class<T>) (Class<?>) Object.class;
        return Behaviors.intercept(() -> new BehaviorInterceptor<T, T>(all) {
          @Override
          public Behavior<T> aroundReceive(TypedActorContext<T> context, T message, ReceiveTarget<T> target) {
            if (type.isInstance(message)) {
              if (fail) {
                throw new IllegalStateException("injected fault: " + name + " got " + type.getSimpleName());
              }
              return Behaviors.same();
            }
            return target.apply(context, message);
          }
        }, behavior);
      }
    };
  }

  private static RuntimeException failedRun(String name, ActorHooks hooks, String... overrides) {
    String[] all = new String[overrides.length + 2];
    all[0] = "train.checkpoint-every=4";
    all[1] = "train.steps=12";
    System.arraycopy(overrides, 0, all, 2, overrides.length);
    return assertThrows(RuntimeException.class,
        () -> TrainingRun.start(RunFixtures.config(dir, name, all), hooks).await());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "scorer,       io.skillmix.mix.MixtureScorer$Rewards,        the scorer actor stopped unexpectedly",
      "evaluator,    io.skillmix.mix.RewardEvaluator$Evaluate,     the evaluator actor stopped unexpectedly",
      "metrics,      io.skillmix.metrics.MetricsSink$TrainStep,        the metrics actor stopped unexpectedly",
      "checkpointer, io.skillmix.checkpoint.Checkpointer$Take,     the checkpointer actor stopped unexpectedly",
      "learner,      io.skillmix.data.DatasetActor$Batch,          the learner stopped unexpectedly",
      "dataset:add,  io.skillmix.data.DatasetActor$RequestBatch,   dataset add",
  })
  void anActorThatDiesEndsTheRunInOneLine(String actor, String messageClass, String expected) throws Exception {
    Class<?> type = Class.forName(messageClass);
    RuntimeException e = failedRun("dies-" + actor.replace(':', '-'),
        actor.equals("learner") ? throwingOnNth(type, 6) : throwingOn(actor, type));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    assertTrue(e instanceof RunFailure, e.toString());
  }

  /** The learner throws on its n-th batch, after a checkpoint: the line names that checkpoint. */
  private static ActorHooks throwingOnNth(Class<?> type, int n) {
    int[] seen = {0};
    return new ActorHooks() {
      @Override
      @SuppressWarnings("unchecked")
      public <T> Behavior<T> around(String actor, Behavior<T> behavior) {
        if (!actor.equals("learner")) {
          return behavior;
        }
        Class<T> all = (Class<T>) (Class<?>) Object.class;
        return Behaviors.intercept(() -> new BehaviorInterceptor<T, T>(all) {
          @Override
          public Behavior<T> aroundReceive(TypedActorContext<T> context, T message, ReceiveTarget<T> target) {
            if (message.getClass().getSimpleName().equals("BatchArrived") && ++seen[0] == n) {
              throw new IllegalStateException("injected fault in the learner");
            }
            return target.apply(context, message);
          }
        }, behavior);
      }
    };
  }

  @Test
  void theLearnersLineNamesTheLastCompleteCheckpoint() {
    // One batch per step, so the 6th batch is step 5's, after the checkpoint at step 4.
    RuntimeException e = failedRun("learner-after-checkpoint", throwingOnNth(DatasetActor.Batch.class, 6),
        "mix.batch-mixing=batch");
    assertTrue(e.getMessage().contains("the last complete checkpoint is " + dir.resolve("learner-after-checkpoint")
        .resolve("checkpoints/step-000004")), e.getMessage());
    assertTrue(e.getMessage().contains("resume with: scripts/skillmix train --resume"), e.getMessage());
  }

  @Test
  void aCheckpointThatAnActorNeverAnswersFailsAtItsDeadline() {
    RuntimeException e = failedRun("silent-scorer", ignoring("scorer", MixtureScorer.GetState.class),
        "train.checkpoint-timeout=1s");
    assertTrue(e.getMessage().contains("checkpoint at step 4: no state from scorer within 1 s"), e.getMessage());
  }
}
