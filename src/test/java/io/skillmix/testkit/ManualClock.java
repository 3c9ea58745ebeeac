package io.skillmix.testkit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.testkit.ExplicitlyTriggeredScheduler;
import scala.concurrent.ExecutionContext;
import scala.concurrent.duration.FiniteDuration;

/**
 * Pekko's {@link ManualTime}, plus a wait for the moment an actor schedules a timer. An actor
 * often arms its timeout on an internal message (the learner when it starts waiting for weights,
 * the evaluator when its batches are in), with nothing a probe could see; advancing the clock
 * before the timer exists would pass it by. {@link #awaitScheduled} blocks until the timer is
 * there, so {@link #timePasses} then fires it: no sleeping, no dependence on how fast the actor is.
 *
 * <p>Use {@code ActorTestKit.create(ManualClock.config())} and {@link #get}. Give each test of a
 * class its own timeout value: a timer armed by one test and never fired stays on record.
 */
public final class ManualClock {

  /** Generous: how long a test waits for an actor to arm a timer before it fails. */
  private static final Duration ARMING_LIMIT = Duration.ofSeconds(60);

  private final ManualTime time;
  private final Scheduler scheduler;

  private ManualClock(ManualTime time, Scheduler scheduler) {
    this.time = time;
    this.scheduler = scheduler;
  }

  /**
   * ManualTime's config, with the scheduler that reports what is scheduled, over the suite's
   * application-test.conf (which a test kit given a config does not read by itself).
   */
  public static Config config() {
    return ConfigFactory.parseString("pekko.scheduler.implementation = \"" + Scheduler.class.getName() + "\"")
        .withFallback(ManualTime.config())
        .withFallback(ConfigFactory.parseResources("application-test.conf"));
  }

  public static ManualClock get(ActorSystem<?> system) {
    if (!(system.classicSystem().scheduler() instanceof Scheduler scheduler)) {
      throw new IllegalStateException("the actor system was not created with ManualClock.config()");
    }
    return new ManualClock(ManualTime.get(system), scheduler);
  }

  /**
   * Blocks until something is scheduled {@code delay} from now (at most a minute of real time,
   * then fails); consumes that record. Schedules of other delays are passed over.
   */
  public void awaitScheduled(Duration delay) {
    FiniteDuration wanted = FiniteDuration.fromNanos(delay.toNanos());
    long deadline = System.nanoTime() + ARMING_LIMIT.toNanos();
    try {
      while (true) {
        FiniteDuration next = scheduler.scheduled.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (next == null) {
          throw new AssertionError("nothing was scheduled " + delay + " ahead within " + ARMING_LIMIT);
        }
        if (next.equals(wanted)) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for a timer", e);
    }
  }

  /** Moves the clock on, running every task that falls due. */
  public void timePasses(Duration amount) {
    time.timePasses(amount);
  }

  /** Moves the clock on and checks that none of {@code probes} has a message. */
  public void expectNoMessageFor(Duration amount, TestProbe<?>... probes) {
    time.expectNoMessageFor(amount, probes);
  }

  /** The manual scheduler, recording each one-off task's delay once the task is registered. */
  public static final class Scheduler extends ExplicitlyTriggeredScheduler {

    private final BlockingQueue<FiniteDuration> scheduled = new LinkedBlockingQueue<>();

    public Scheduler(Config config, LoggingAdapter log, ThreadFactory threadFactory) {
      super(config, log, threadFactory);
    }

    @Override
    public Cancellable scheduleOnce(FiniteDuration delay, Runnable runnable, ExecutionContext executor) {
      Cancellable task = super.scheduleOnce(delay, runnable, executor);
      scheduled.add(delay); // after registering: a test woken by this can fire the task
      return task;
    }
  }
}
