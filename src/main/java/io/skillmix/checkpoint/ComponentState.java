package io.skillmix.checkpoint;

import io.skillmix.CrossNode;

/**
 * One stateful actor's part of a checkpoint, as JSON the actor wrote itself ({@link StateJson}):
 * every actor answers a checkpoint's request for state with one of these, and is restored from it.
 *
 * @param component the actor's name in the checkpoint: {@code learner}, {@code scorer},
 *     {@code metrics}, {@code dataset:NAME}
 */
public record ComponentState(String component, String json) implements CrossNode {

  public static String dataset(String name) {
    return "dataset:" + name;
  }
}
