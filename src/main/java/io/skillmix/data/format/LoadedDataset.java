package io.skillmix.data.format;

import io.skillmix.data.Conversation;
import java.util.List;

/** Every good record of a file, in file order, and the report of what was skipped. */
public record LoadedDataset(List<Conversation> conversations, DataReport report) {

  public LoadedDataset {
    conversations = List.copyOf(conversations);
  }
}
