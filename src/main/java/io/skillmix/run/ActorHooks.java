package io.skillmix.run;

import org.apache.pekko.actor.typed.Behavior;

/**
 * Wraps an actor's behaviour before the run spawns it, by the actor's name ({@code metrics},
 * {@code scorer}, {@code evaluator}, {@code checkpointer}, {@code learner}, {@code dataset:NAME}).
 * Runs use {@link #NONE}; tests inject faults through it (an actor that throws, one that never
 * answers) to show that every actor is watched and every wait has a deadline.
 */
public interface ActorHooks {

  <T> Behavior<T> around(String actor, Behavior<T> behavior);

  ActorHooks NONE = new ActorHooks() {
    @Override
    public <T> Behavior<T> around(String actor, Behavior<T> behavior) {
      return behavior;
    }
  };
}
