package dev.jmp.connection;

/**
 * What a Connection accepts from its peer, from system properties read once per JVM
 * (a child JVM inherits the parent's {@code jmp.*} properties).
 *
 * <p>Why limits at all: the bytes on a pipe come from another process, which may be
 * buggy, hostile, or not jmp at all (a Python peer, or a stray writer). A frame header
 * is a length the peer claims, and a serialized object describes arrays and object
 * graphs the receiver would build: without limits, ten bytes could make the receiver
 * allocate gigabytes or recurse until its stack overflows.
 */
public final class Limits {
    private Limits() {
    }

    /**
     * {@code jmp.connection.maxMessageBytes}: the longest message (frame body) a
     * Connection will receive; default 1 GiB, at most the longest Java array (which
     * holds the message). A longer frame header fails the receiving call with EMSGSIZE
     * before anything is allocated.
     */
    public static final long MAX_MESSAGE_BYTES = property("jmp.connection.maxMessageBytes", 1L << 30, largestArray());

    /** {@code jmp.connection.maxDepth}: deepest nesting of objects in one received message; default 1000. */
    public static final long MAX_DEPTH = property("jmp.connection.maxDepth", 1000, Long.MAX_VALUE);

    /** {@code jmp.connection.maxRefs}: most objects and back-references in one received message; default 10 000 000. */
    public static final long MAX_REFS = property("jmp.connection.maxRefs", 10_000_000, Long.MAX_VALUE);

    /**
     * {@code jmp.connection.maxArrayLength}: longest array (or collection table) one
     * received message may create; default the largest Java array. Whatever it says, an
     * array may not have more than {@link #ARRAY_ELEMENTS_PER_BYTE} elements per byte
     * of its message: every element takes at least one byte on the wire, and the
     * collections size their tables at most a few times their element count, so only a
     * forged header asks for more.
     */
    public static final long MAX_ARRAY_LENGTH = property("jmp.connection.maxArrayLength", largestArray(), largestArray());

    public static final int ARRAY_ELEMENTS_PER_BYTE = 8;

    /**
     * {@code jmp.connection.maxUnfoldedPerByte}: how far one object of a received message
     * may unfold along its shared references, as hashCode and equals walk it, per byte
     * of the message (plus a fixed allowance); default 32. See {@link DecodeWork}.
     */
    public static final long MAX_UNFOLDED_PER_BYTE = property("jmp.connection.maxUnfoldedPerByte", 32, Long.MAX_VALUE);

    /**
     * {@code jmp.connection.maxDecodeMillis}: CPU time the receiving thread may spend
     * decoding one message, per started MiB of it; default 1000. See {@link DecodeWork}.
     */
    public static final long MAX_DECODE_MILLIS = property("jmp.connection.maxDecodeMillis", 1000, Long.MAX_VALUE / 1_000_000);

    private static long largestArray() {
        return Integer.MAX_VALUE - 8;
    }

    private static long property(String name, long dflt, long max) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        long n;
        try {
            n = Long.parseLong(v.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": not a number: '" + v + "'", e);
        }
        if (n <= 0) {
            throw new IllegalArgumentException(name + ": must be positive, got " + n);
        }
        return Math.min(n, max);
    }
}
