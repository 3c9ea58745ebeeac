package io.skillmix.data;

import java.util.Objects;

/** One turn of a conversation. */
public record Turn(Role role, String text) {
  public Turn {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(text, "text");
  }
}
