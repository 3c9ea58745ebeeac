package io.skillmix.data.builtin;

import io.skillmix.data.Conversation;
import java.util.List;

/** One set of the built-in skill mix: its training examples and its held-out examples. */
public record BuiltinDataset(String name, List<Conversation> train, List<Conversation> heldOut) {

  public BuiltinDataset {
    train = List.copyOf(train);
    heldOut = List.copyOf(heldOut);
  }
}
