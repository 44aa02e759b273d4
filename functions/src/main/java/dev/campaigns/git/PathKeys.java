package dev.campaigns.git;

import java.nio.charset.StandardCharsets;

/**
 * Path keys: a path's UTF-8 bytes, one {@code char} per byte (ISO-8859-1). Tree entry names are raw bytes in
 * any encoding; as keys they compare, sort and split at {@code '/'} exactly as git compares the bytes.
 */
final class PathKeys {
    private PathKeys() {}

    /** The key of a path as the patch names it. */
    static String key(String path) {
        return new String(path.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /** The path a key stands for (for messages). */
    static String fromKey(String k) {
        return new String(k.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    /** The raw bytes of a key's last component: the tree entry's name. */
    static byte[] lastName(String k) {
        return k.substring(k.lastIndexOf('/') + 1).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A tree entry name as a key component. */
    static String ofName(byte[] name) {
        return new String(name, StandardCharsets.ISO_8859_1);
    }
}
