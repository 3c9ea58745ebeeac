package io.skillmix.data.format;

import io.skillmix.data.Conversation;

/** A record read successfully; {@code line} is where its text starts in the file (1-based). */
public record Record(int line, Conversation conversation) implements Entry {}
