package dev.campaigns.git;

import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;

/**
 * The objects a commit adds on top of its base, held in memory: they are never written into the shared
 * base cache, only into the commit's bundle. Not thread-safe: one per commit operation.
 */
final class NewObjects {
    record Obj(int type, byte[] data) {}

    private final Map<ObjectId, Obj> objects = new LinkedHashMap<>();
    private final ObjectInserter.Formatter formatter = new ObjectInserter.Formatter();

    ObjectId add(int type, byte[] data) {
        ObjectId id = formatter.idFor(type, data);
        objects.putIfAbsent(id, new Obj(type, data));
        return id;
    }

    Obj get(ObjectId id) {
        return objects.get(id);
    }

    Map<ObjectId, Obj> all() {
        return objects;
    }
}
