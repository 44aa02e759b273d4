package dev.campaigns.git;

import dev.campaigns.util.Digests;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import java.security.MessageDigest;
import org.eclipse.jgit.lib.Constants;

/**
 * The objects a commit adds on top of its base, held in memory: they are never written into the shared
 * base cache, only into the commit's bundle. Not thread-safe: one per commit operation.
 */
final class NewObjects {
    record Obj(int type, byte[] data) {}

    private final Map<ObjectId, Obj> objects = new LinkedHashMap<>();
    private final MessageDigest sha1 = newSha1();

    ObjectId add(int type, byte[] data) {
        return add(type, data, idFor(sha1, type, data));
    }

    /** As {@link #add(int, byte[])}, with the id already computed by {@link #idFor} (on another thread). */
    ObjectId add(int type, byte[] data, ObjectId id) {
        objects.putIfAbsent(id, new Obj(type, data));
        return id;
    }

    /**
     * The object id of {@code data}, hashed with the JDK's SHA-1 (intrinsified, several times faster than
     * JGit's collision-detecting one; these are objects we build ourselves, not objects received from others).
     */
    static ObjectId idFor(MessageDigest sha1, int type, byte[] data) {
        sha1.reset();
        sha1.update(Constants.encodedTypeString(type));
        sha1.update((byte) ' ');
        sha1.update(Constants.encodeASCII(data.length));
        sha1.update((byte) 0);
        sha1.update(data);
        return ObjectId.fromRaw(sha1.digest());
    }

    static ObjectId idFor(int type, byte[] data) {
        return idFor(newSha1(), type, data);
    }

    static MessageDigest newSha1() {
        return Digests.sha1();
    }

    Obj get(ObjectId id) {
        return objects.get(id);
    }

    Map<ObjectId, Obj> all() {
        return objects;
    }
}
