package dev.campaigns.util;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The project's one home for message digests (SHA-256 for names derived from secrets or content, SHA-1 for git
 * object ids), with the JDK's implementations. Both algorithms are required of every Java platform, so their
 * absence is an {@link IllegalStateException}, never a checked exception at each call site.
 */
public final class Digests {
    private Digests() {}

    /** A new SHA-1 digest (git's object ids). Not thread-safe: one per thread or per use. */
    public static MessageDigest sha1() {
        return digest("SHA-1");
    }

    /** A new SHA-256 digest. Not thread-safe: one per thread or per use. */
    public static MessageDigest sha256() {
        return digest("SHA-256");
    }

    /** The SHA-256 of {@code data}, in lower-case hex (64 digits). */
    public static String sha256Hex(byte[] data) {
        return HexFormat.of().formatHex(sha256().digest(data));
    }

    /**
     * The first {@code bytes} bytes of the SHA-256 of {@code text}'s UTF-8 bytes, in lower-case hex ({@code 2 *
     * bytes} digits): a short stable name for a token or a URL that does not reveal it.
     */
    public static String sha256Hex(String text, int bytes) {
        if (bytes < 1 || bytes > 32) {
            throw new IllegalArgumentException("a SHA-256 prefix is 1 to 32 bytes, not " + bytes);
        }
        return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)), 0, bytes);
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is unavailable", e);
        }
    }
}
