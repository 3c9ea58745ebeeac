package io.skillmix.data;

/**
 * Who speaks a turn of a conversation. Only assistant turns are trained on. A {@code TOOL} turn
 * (a tool's answer, in the Hugging Face chat format) goes only to templates that support it.
 */
public enum Role {
  SYSTEM,
  USER,
  ASSISTANT,
  TOOL
}
