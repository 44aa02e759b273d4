package dev.campaigns.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The shared digest helper against the FIPS 180 test vectors ("abc"). */
class DigestsTest {
    static final String SHA256_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void sha256OfBytesAndPrefixesOfText() {
        assertEquals(SHA256_ABC, Digests.sha256Hex("abc".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(SHA256_ABC.substring(0, 24), Digests.sha256Hex("abc", 12));
        assertEquals(SHA256_ABC, Digests.sha256Hex("abc", 32));
        // text is hashed as UTF-8
        assertEquals(Digests.sha256Hex("é".getBytes(StandardCharsets.UTF_8)).substring(0, 2), Digests.sha256Hex("é", 1));
        assertThrows(IllegalArgumentException.class, () -> Digests.sha256Hex("abc", 0));
        assertThrows(IllegalArgumentException.class, () -> Digests.sha256Hex("abc", 33));
    }

    @Test
    void sha1AndFreshInstances() {
        assertEquals("a9993e364706816aba3e25717850c26c9cd0d89d",
                HexFormat.of().formatHex(Digests.sha1().digest("abc".getBytes(StandardCharsets.US_ASCII))));
        var a = Digests.sha256();
        a.update((byte) 'x');
        // a new instance each time: state is never shared between callers
        assertEquals(SHA256_ABC, HexFormat.of().formatHex(Digests.sha256().digest("abc".getBytes(StandardCharsets.US_ASCII))));
    }
}
