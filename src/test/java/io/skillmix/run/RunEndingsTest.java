package io.skillmix.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.skillmix.UserError;
import io.skillmix.checkpoint.Checkpointer;
import io.skillmix.config.ConfigLoader;
import io.skillmix.learn.EngineFaults;
import io.skillmix.metrics.MetricsSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * How runs end when something outside the step goes wrong (issue 33): a fatal error in an actor
 * (B4), a step that cannot fit into memory (B5), a full disk at a checkpoint (D9), the leftovers of
 * a run killed while writing final/ (E9).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RunEndingsTest {

  @TempDir static Path dir;

  @BeforeAll
  static void fixtures() {
    RunFixtures.write(dir);
  }

  /** The actor named {@code name} does {@code what} with the first message of {@code type}. */
  private static ActorHooks on(String name, Class<?> type, java.util.function.Consumer<Object> what) {
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
              what.accept(message);
              return Behaviors.same();
            }
            return target.apply(context, message);
          }
        }, behavior);
      }
    };
  }

  @Test
  void aFatalErrorInAnActorEndsTheRunInOneLine() {
    ActorHooks oom = on("metrics", MetricsSink.TrainStep.class, m -> {
      throw new OutOfMemoryError("Requested array size exceeds VM limit (injected)");
    });
    RuntimeException e = assertThrows(RuntimeException.class,
        () -> TrainingRun.start(RunFixtures.config(dir, "fatal", "train.steps=8"), oom).await());
    assertTrue(e instanceof RunFailure, e.toString());
    assertTrue(e.getMessage().contains("fatal error"), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
  }

  @Test
  void aStepThatCannotFitIsRefusedBeforeAnythingStarts() {
    for (String batch : List.of("100000", "2147483647")) {
      Path run = dir.resolve("huge-" + batch);
      UserError e = assertThrows(UserError.class, () -> TrainingRun.start(ConfigLoader.load(null, List.of(
          "run.dir=\"" + run + "\"", "train.batch-size=" + batch, "train.micro-batch-size=" + batch))));
      assertTrue(e.getMessage().startsWith("train.micro-batch-size = " + batch), e.getMessage());
      assertFalse(Files.exists(run));
    }
  }

  @Test
  void aFullDiskAtACheckpointIsOneLineWithoutATrace() {
    ActorHooks full = on("checkpointer", Checkpointer.Take.class, m -> {
      Checkpointer.Take take = (Checkpointer.Take) m;
      take.pending().abandon();
      take.replyTo().tell(new Checkpointer.Failed(take.step(), "checkpoint at step " + take.step() + ": "
          + take.pending().folder() + ": cannot write (No space left on device)"));
    });
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    root.addAppender(log);
    try {
      RuntimeException e = assertThrows(RuntimeException.class, () -> TrainingRun.start(
          RunFixtures.config(dir, "disk-full", "train.steps=8", "train.checkpoint-every=4"), full).await());
      assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
      assertTrue(EngineFaults.userFacing(e), "the command line prints it as one line: " + e);
      for (ILoggingEvent event : log.list) {
        if (event.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN)) {
          assertNull(event.getThrowableProxy(), "a trace before the line: " + event.getFormattedMessage());
        }
      }
    } finally {
      root.detachAppender(log);
    }
  }

  @Test
  void aResumeRemovesTheUnfinishedFinalOfAKilledRun() throws Exception {
    Path run = dir.resolve("killed");
    TrainingRun.run(RunFixtures.config(dir, "killed", "train.steps=4", "train.checkpoint-every=2"));
    // What kill -9 during the final/ write leaves: a model-sized temporary folder beside final/.
    Path leftover = Files.createDirectories(run.resolve(".final.tmp-999999-1a2b"));
    Files.write(leftover.resolve("model.safetensors"), new byte[4096]);
    TrainingRun.Handle resumed = TrainingRun.resume(run, List.of("train.steps=6"));
    assertTrue(resumed.notices().stream().anyMatch(n -> n.contains("removed the unfinished final")), resumed.notices().toString());
    resumed.await();
    assertFalse(Files.exists(leftover));
    assertTrue(Files.isRegularFile(run.resolve("final").resolve("config.json")));
  }
}
