package io.skillmix.data.builtin;

import io.skillmix.data.Conversation;

/**
 * One possible example and the word it is about. The held-out split goes by {@code word}, so a
 * word in the held-out split never appears in training questions of the same dataset.
 */
record Candidate(String word, Conversation conversation) {}
