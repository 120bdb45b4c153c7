package dev.jmp.connection;

import dev.jmp.AuthenticationError;
import dev.jmp.blocking.Deadline;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * CPython's connection authentication ({@code deliver_challenge} and
 * {@code answer_challenge} of {@code multiprocessing.connection}), byte for byte, so
 * that a jmp end authenticates with a CPython end of any version.
 *
 * <pre>{@code
 * challenger (deliver)                             answerer (answer)
 *   "#CHALLENGE#" + "{sha256}" + 40 random bytes  -->
 *                                               <--  "{sha256}" + HMAC-SHA256(key, "{sha256}" + random)
 *                                                    (or a bare 16-byte HMAC-MD5 of the same bytes:
 *                                                     a CPython 3.11 or older answers so)
 *   "#WELCOME#" or "#FAILURE#"                    -->
 * }</pre>
 *
 * <p>The MAC covers the whole challenge, prefix included, so an answerer cannot pick a
 * weaker digest than the one asked. A challenge of exactly 20 bytes comes from a
 * CPython 3.11 or older: it is answered with a bare HMAC-MD5, as that version expects.
 * Every message is read with a cap of 256 bytes and before the handshake's deadline;
 * nothing here is ever deserialized. The server side of a Listener delivers, then
 * answers; a Client answers, then delivers.
 */
public final class Handshake {
    private Handshake() {
    }

    private static final byte[] CHALLENGE = ascii("#CHALLENGE#");
    private static final byte[] WELCOME = ascii("#WELCOME#");
    private static final byte[] FAILURE = ascii("#FAILURE#");
    private static final int MESSAGE_LENGTH = 40;
    private static final int MD5ONLY_MESSAGE_LENGTH = 20;
    private static final int MD5_DIGEST_LENGTH = 16;
    private static final int MAX_MESSAGE = 256;
    /** CPython's _ALLOWED_DIGESTS, with the JCA digest under each HMAC. */
    private static final Map<String, Hash> HASHES = Map.of(
            "md5", new Hash("MD5", 64), "sha256", new Hash("SHA-256", 64), "sha384", new Hash("SHA-384", 128),
            "sha3_256", new Hash("SHA3-256", 136), "sha3_384", new Hash("SHA3-384", 104));
    private static final int MAX_DIGEST_NAME = 8;

    /** Made on first use, not when Handshake loads: the primer makes it off the server's main thread. */
    private static final class Challenges {
        static final SecureRandom RANDOM = new SecureRandom();
    }

    private static final ThreadLocal<Map<String, MessageDigest>> DIGESTERS = new ThreadLocal<>() {
        @Override
        protected Map<String, MessageDigest> initialValue() {
            return new HashMap<>();     // not withInitial: a young JVM would link a lambda for it
        }
    };

    /**
     * Starts a daemon thread that does what a young JVM's first handshake does before
     * its first message (loads the SecureRandom, its provider and the digest, and
     * computes one HMAC), for a server that starts for a client about to connect (a
     * manager's): the work overlaps the server's own start instead of its first client's
     * wait.
     */
    public static void primeInBackground() {
        Thread t = new Primer();
        t.setDaemon(true);
        t.start();
    }

    private static final class Primer extends Thread {
        Primer() {
            super("jmp-handshake-primer");
        }

        @Override
        public void run() {
            byte[] message = new byte[MESSAGE_LENGTH];
            Challenges.RANDOM.nextBytes(message);
            hmac("sha256", message, message);
        }
    }

    /** How the two ends exchange whole messages (a Connection's sendBytes/recvBytes with a cap). */
    public interface Wire {
        void sendBytes(byte[] message);

        /** The next message, at most {@code maxlength} bytes; TimeoutError after {@code deadline}. */
        byte[] recvBytes(int maxlength, Deadline deadline);
    }

    /** CPython's deliver_challenge: AuthenticationError (after sending #FAILURE#) if the answer is wrong. */
    public static void deliverChallenge(Wire wire, byte[] authkey, Deadline deadline) {
        byte[] random = new byte[MESSAGE_LENGTH];
        Challenges.RANDOM.nextBytes(random);
        byte[] message = concat(ascii("{sha256}"), random);
        wire.sendBytes(concat(CHALLENGE, message));
        byte[] response = wire.recvBytes(MAX_MESSAGE, deadline);
        try {
            verify(authkey, message, response);
        } catch (AuthenticationError e) {
            wire.sendBytes(FAILURE);
            throw e;
        }
        wire.sendBytes(WELCOME);
    }

    /** CPython's answer_challenge: AuthenticationError if the challenge is malformed or the answer is rejected. */
    public static void answerChallenge(Wire wire, byte[] authkey, Deadline deadline) {
        byte[] message = wire.recvBytes(MAX_MESSAGE, deadline);
        if (!startsWith(message, CHALLENGE)) {
            throw new AuthenticationError("protocol error, expected a challenge, got " + show(message));
        }
        message = Arrays.copyOfRange(message, CHALLENGE.length, message.length);
        if (message.length < MD5ONLY_MESSAGE_LENGTH) {
            throw new AuthenticationError("challenge too short: " + message.length + " bytes");
        }
        wire.sendBytes(response(authkey, message));
        byte[] verdict = wire.recvBytes(MAX_MESSAGE, deadline);
        if (!Arrays.equals(verdict, WELCOME)) {
            throw new AuthenticationError("digest sent was rejected");
        }
    }

    /** CPython's _create_response. */
    static byte[] response(byte[] authkey, byte[] message) {
        String digest = digestName(message);
        if (digest.isEmpty()) {
            return hmac("md5", authkey, message);      // legacy peer: a bare HMAC-MD5
        }
        return concat(ascii("{" + digest + "}"), hmac(digest, authkey, message));
    }

    /** CPython's _verify_challenge. */
    static void verify(byte[] authkey, byte[] message, byte[] response) {
        String digest = digestName(response);
        byte[] mac = digest.isEmpty() ? response : Arrays.copyOfRange(response, digest.length() + 2, response.length);
        byte[] expected = hmac(digest.isEmpty() ? "md5" : digest, authkey, message);
        if (expected.length != mac.length) {
            throw new AuthenticationError("expected '" + (digest.isEmpty() ? "md5" : digest) + "' of length "
                    + expected.length + " got " + mac.length);
        }
        if (!MessageDigest.isEqual(expected, mac)) {
            throw new AuthenticationError("digest received was wrong");
        }
    }

    /** CPython's _get_digest_name_and_payload, the name only: "" for the legacy (bare MD5) form. */
    private static String digestName(byte[] message) {
        if (message.length == MD5ONLY_MESSAGE_LENGTH || message.length == MD5_DIGEST_LENGTH) {
            return "";
        }
        if (message.length > 0 && message[0] == '{') {
            for (int i = 1; i < Math.min(message.length, MAX_DIGEST_NAME + 2); i++) {
                if (message[i] == '}') {
                    String name = new String(message, 1, i - 1, StandardCharsets.US_ASCII);
                    if (HASHES.containsKey(name)) {
                        return name;
                    }
                    break;
                }
            }
        }
        throw new AuthenticationError("unsupported message length, missing digest prefix, or unsupported digest: "
                + show(message));
    }

    /**
     * HMAC (RFC 2104) over the JDK's MessageDigest: {@code H((K ^ opad) || H((K ^ ipad) || m))}.
     * Why not {@code javax.crypto.Mac}: its first use in a JVM loads and initialises the
     * JCE provider and its policy, tens of milliseconds of CPU that every manager server
     * (a fresh JVM) paid before its first answer; MessageDigest comes from the provider
     * a SecureRandom already loads. The MAC is the same bytes (HandshakeTest checks
     * it against Mac).
     */
    static byte[] hmac(String digest, byte[] authkey, byte[] message) {
        Hash h = HASHES.get(digest);
        // A MessageDigest per thread and algorithm: getInstance looks the provider up each time.
        Map<String, MessageDigest> mds = DIGESTERS.get();
        MessageDigest md = mds.get(h.jca);
        if (md == null) {
            try {
                md = MessageDigest.getInstance(h.jca);
            } catch (GeneralSecurityException e) {
                throw new AuthenticationError("digest " + digest + " unsupported: " + e, e);
            }
            mds.put(h.jca, md);
        }
        byte[] key = authkey.length > h.block ? md.digest(authkey) : authkey;
        byte[] pad = new byte[h.block];
        for (int i = 0; i < key.length; i++) {
            pad[i] = (byte) (key[i] ^ 0x36);
        }
        Arrays.fill(pad, key.length, pad.length, (byte) 0x36);
        md.update(pad);
        byte[] inner = md.digest(message);
        for (int i = 0; i < pad.length; i++) {
            pad[i] ^= 0x36 ^ 0x5c;
        }
        md.update(pad);
        return md.digest(inner);
    }

    /** A digest CPython allows: its JCA MessageDigest name and its block size in bytes. */
    private record Hash(String jca, int block) {
    }

    private static String show(byte[] message) {
        StringBuilder s = new StringBuilder("b'");
        for (int i = 0; i < Math.min(message.length, 48); i++) {
            int b = message[i] & 0xff;
            if (b >= 0x20 && b < 0x7f && b != '\'' && b != '\\') {
                s.append((char) b);
            } else {
                s.append(String.format("\\x%02x", b));
            }
        }
        return s.append(message.length > 48 ? "'..." : "'").append(" (").append(message.length).append(" bytes)").toString();
    }

    private static boolean startsWith(byte[] message, byte[] prefix) {
        return message.length >= prefix.length && Arrays.equals(message, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
