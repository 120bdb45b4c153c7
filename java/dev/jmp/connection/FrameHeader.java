package dev.jmp.connection;

/**
 * The length prefix of every message, exactly as CPython's
 * {@code multiprocessing.connection.Connection._send_bytes} writes it: a 4-byte
 * big-endian signed length, or, when the length does not fit in it
 * ({@code n > 0x7fffffff}), the 4-byte value -1 followed by the length as an 8-byte
 * big-endian unsigned number. Both sides reading the same header is what lets a Java
 * and a Python Connection share one pipe.
 */
public final class FrameHeader {
    private FrameHeader() {
    }

    /** Bytes of the short form; the long form adds {@link #LONG_EXTRA}. */
    public static final int SHORT = 4;
    public static final int LONG_EXTRA = 8;
    public static final int MAX = SHORT + LONG_EXTRA;
    /** The largest length written in the short form. */
    public static final long MAX_SHORT_LENGTH = 0x7fffffffL;
    /** The short-form value that announces the long form. */
    public static final int LONG_MARK = -1;

    /** Writes the header of an {@code n}-byte message at {@code dst[off]}; returns its size. */
    public static int encode(long n, byte[] dst, int off) {
        if (n < 0) {
            throw new IllegalArgumentException("negative message length " + n);
        }
        if (n <= MAX_SHORT_LENGTH) {
            putInt(dst, off, (int) n);
            return SHORT;
        }
        putInt(dst, off, LONG_MARK);
        putInt(dst, off + 4, (int) (n >>> 32));
        putInt(dst, off + 8, (int) n);
        return MAX;
    }

    public static int getInt(byte[] b, int off) {
        return (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
    }

    /** The 8-byte length of the long form; negative if it does not fit in a signed long. */
    public static long getLong(byte[] b, int off) {
        return (long) getInt(b, off) << 32 | (getInt(b, off + 4) & 0xffffffffL);
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
