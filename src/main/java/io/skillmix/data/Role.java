package io.skillmix.data;

/** Who speaks a turn of a conversation. Only assistant turns are trained on. */
public enum Role {
  SYSTEM,
  USER,
  ASSISTANT
}
