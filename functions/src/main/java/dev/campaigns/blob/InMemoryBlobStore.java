package dev.campaigns.blob;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** A {@link BlobStore} held in this JVM's memory: for tests and the single-process CLI. */
public final class InMemoryBlobStore implements BlobStore {
    private final ConcurrentMap<String, byte[]> blobs = new ConcurrentHashMap<>();

    @Override
    public void put(String key, byte[] data) {
        blobs.putIfAbsent(key, data.clone());
    }

    @Override
    public Optional<byte[]> get(String key) {
        byte[] data = blobs.get(key);
        return Optional.ofNullable(data == null ? null : data.clone());
    }

    /** How many blobs are held. */
    public int size() {
        return blobs.size();
    }
}
