package io.skillmix;

/**
 * Marks a message that may cross from one node to another. {@code reference.conf} binds it to
 * {@code io.skillmix.cluster.KryoSerializer}; every implementation needs a fixed row in {@code io.skillmix.cluster.KryoRegistry}, and Java
 * serialization stays off, so a message without a row fails loudly instead of travelling as Java.
 */
public interface CrossNode {}
