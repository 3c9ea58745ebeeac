package io.skillmix.cluster;

import io.skillmix.CrossNode;
/**
 * One piece of an encoded {@link io.skillmix.model.ParameterSnapshot}: small enough for one
 * Artery frame. {@code crc32} covers {@code bytes}, so a damaged chunk is named on arrival; the
 * SHA-256 of the whole encoding, in the {@link SnapshotOffer}, covers the rest.
 */
public record SnapshotChunk(long version, int index, int count, int crc32, byte[] bytes)
    implements CrossNode {}
