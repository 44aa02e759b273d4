package dev.campaigns.blob;

import java.util.Optional;

/**
 * Durable, immutable bytes by key: the campaign jobs' patches and the git engine's commit bundles.
 *
 * <p>Keys are content-derived (a commit SHA, a patch digest), so a value never changes once written:
 * {@link #put} of a key that already exists is a no-op, which makes every writer idempotent under
 * retries. In AWS the store is DynamoDB (see {@code DynamoBlobStore}); tests may use
 * {@link InMemoryBlobStore}.
 */
public interface BlobStore {

    /** Stores {@code data} under {@code key}; a second put of the same key changes nothing. */
    void put(String key, byte[] data);

    /**
     * Stores several blobs, as {@link #put} each, in as few requests as the store allows (a batch of a plan's patches
     * in one API call). Each blob becomes readable whole or not at all.
     */
    default void putAll(java.util.Map<String, byte[]> blobs) {
        blobs.forEach(this::put);
    }

    /** The bytes stored under {@code key}, or empty when nothing was stored. */
    Optional<byte[]> get(String key);
}
