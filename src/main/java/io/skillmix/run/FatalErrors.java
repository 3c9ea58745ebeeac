package io.skillmix.run;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Keeps a fatal error inside the actor that raised it. An {@link OutOfMemoryError} such as
 * "Requested array size exceeds VM limit" escapes Pekko's supervision: it killed the dispatcher's
 * thread, the actor's mailbox never ran again, and the JVM stayed alive until kill -9 (issue 33 B4).
 * Wrapped as an ordinary failure the actor stops, its guardian sees it, and the run ends in one line
 * that names it and the last checkpoint.
 */
final class FatalErrors {

  /** A fatal error of an actor, carried as an ordinary failure. */
  static final class Contained extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Contained(Throwable cause) {
      super(String.valueOf(cause), cause);
    }
  }

  private FatalErrors() {}

  @SuppressWarnings("unchecked")
  static <T> Behavior<T> contained(Behavior<T> behavior) {
    Class<T> all = (Class<T>) (Class<?>) Object.class;
    return Behaviors.intercept(() -> new BehaviorInterceptor<T, T>(all) {
      @Override
      public Behavior<T> aroundStart(TypedActorContext<T> context, PreStartTarget<T> target) {
        try {
          return target.start(context);
        } catch (VirtualMachineError e) {
          throw new Contained(e);
        }
      }

      @Override
      public Behavior<T> aroundReceive(TypedActorContext<T> context, T message, ReceiveTarget<T> target) {
        try {
          return target.apply(context, message);
        } catch (VirtualMachineError e) {
          throw new Contained(e);
        }
      }

      @Override
      public Behavior<T> aroundSignal(TypedActorContext<T> context, Signal signal, SignalTarget<T> target) {
        try {
          return target.apply(context, signal);
        } catch (VirtualMachineError e) {
          throw new Contained(e);
        }
      }
    }, behavior);
  }
}
