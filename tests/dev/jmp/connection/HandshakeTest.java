package dev.jmp.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The handshake's HMAC (over MessageDigest) is the JDK's Mac, byte for byte, for every digest CPython allows. */
class HandshakeTest {
    private static final Map<String, String> MACS = Map.of("md5", "HmacMD5", "sha256", "HmacSHA256",
            "sha384", "HmacSHA384", "sha3_256", "HmacSHA3-256", "sha3_384", "HmacSHA3-384");

    @Test
    void hmacIsTheJdksMacForEveryDigestAndKeyLength() throws Exception {
        byte[] message = "{sha256}0123456789012345678901234567890123456789".getBytes(StandardCharsets.US_ASCII);
        for (Map.Entry<String, String> e : MACS.entrySet()) {
            // Empty, short, exactly one block of SHA-256/MD5, longer than any block (hashed first).
            for (int keyLength : new int[] {0, 5, 64, 104, 136, 200}) {
                byte[] key = new byte[keyLength];
                for (int i = 0; i < keyLength; i++) {
                    key[i] = (byte) (i * 7 + 1);
                }
                Mac mac = Mac.getInstance(e.getValue());
                mac.init(new SecretKeySpec(keyLength == 0 ? new byte[1] : key, e.getValue()));
                assertArrayEquals(mac.doFinal(message), Handshake.hmac(e.getKey(), key, message),
                        e.getKey() + " with a " + keyLength + "-byte key");
            }
        }
    }
}
