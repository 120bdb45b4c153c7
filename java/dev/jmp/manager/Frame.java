package dev.jmp.manager;

import java.util.Arrays;

/**
 * The bytes of one manager message, written or read in order (the layout is in
 * {@link ManagerDescriptor}): big-endian integers, strings in Java's modified UTF-8 (as
 * {@code DataOutput.writeUTF} writes them, so any String, unpaired surrogates included,
 * comes back equal), a byte string with its length in front.
 *
 * <p>Reading never trusts a length: one that runs past the end of the message is
 * {@link Malformed}, never an allocation of what it claims.
 */
final class Frame {
    private static final int INITIAL = 256;
    /** A buffer grown past this by one big message is given back after it. */
    private static final int KEEP = 1 << 20;

    private byte[] buf;
    private int pos;
    private int end;

    /** An empty frame to write into. */
    Frame() {
        buf = new byte[INITIAL];
    }

    /** A frame to read {@code message} from. */
    Frame(byte[] message) {
        buf = message;
        end = message.length;
    }

    // ---- writing ------------------------------------------------------------------

    void clear() {
        if (buf.length > KEEP) {
            buf = new byte[INITIAL];
        }
        pos = 0;
    }

    byte[] array() {
        return buf;
    }

    int size() {
        return pos;
    }

    void putU8(int v) {
        ensure(1);
        buf[pos++] = (byte) v;
    }

    void putShort(int v) {
        ensure(2);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    void putInt(int v) {
        ensure(4);
        buf[pos++] = (byte) (v >>> 24);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }

    void putBytes(byte[] b, int off, int len) {
        putInt(len);
        ensure(len);
        System.arraycopy(b, off, buf, pos, len);
        pos += len;
    }

    /** A String, or null (length -1): its length in bytes, then modified UTF-8. */
    void putUtf(String s) {
        if (s == null) {
            putInt(-1);
            return;
        }
        int n = s.length();
        int at = pos;
        putInt(0);
        ensure((long) n * 3);
        int p = pos;
        byte[] b = buf;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c != 0 && c < 0x80) {
                b[p++] = (byte) c;
            } else if (c < 0x800) {
                b[p++] = (byte) (0xc0 | c >> 6);
                b[p++] = (byte) (0x80 | c & 0x3f);
            } else {
                b[p++] = (byte) (0xe0 | c >> 12);
                b[p++] = (byte) (0x80 | c >> 6 & 0x3f);
                b[p++] = (byte) (0x80 | c & 0x3f);
            }
        }
        int len = p - pos;
        pos = at;
        putInt(len);
        pos = p;
    }

    private void ensure(long more) {
        long need = pos + more;
        if (need > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("cannot send: a manager message larger than 2 GiB");
        }
        if (need > buf.length) {
            buf = Arrays.copyOf(buf, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(need, 2L * buf.length)));
        }
    }

    // ---- reading ------------------------------------------------------------------

    boolean atEnd() {
        return pos == end;
    }

    int getU8() {
        need(1);
        return buf[pos++] & 0xff;
    }

    int getShort() {
        need(2);
        int v = (buf[pos] & 0xff) << 8 | buf[pos + 1] & 0xff;
        pos += 2;
        return (short) v;
    }

    int getInt() {
        need(4);
        int v = (buf[pos] & 0xff) << 24 | (buf[pos + 1] & 0xff) << 16 | (buf[pos + 2] & 0xff) << 8 | buf[pos + 3] & 0xff;
        pos += 4;
        return v;
    }

    long getLong() {
        long hi = getInt();
        return hi << 32 | getInt() & 0xffffffffL;
    }

    byte[] getBytes() {
        int len = length();
        byte[] b = Arrays.copyOfRange(buf, pos, pos + len);
        pos += len;
        return b;
    }

    /** Skips the next {@code len} bytes; where they start in {@link #message()}. */
    int skip(int len) {
        need(len);
        int at = pos;
        pos += len;
        return at;
    }

    /** The message being read. */
    byte[] message() {
        return buf;
    }

    /** A length (of bytes that follow), checked against what is left. */
    int length() {
        int len = getInt();
        if (len < 0) {
            throw new Malformed("negative length " + len);
        }
        need(len);
        return len;
    }

    String getUtf() {
        int len = getInt();
        if (len == -1) {
            return null;
        }
        if (len < 0) {
            throw new Malformed("negative length " + len);
        }
        need(len);
        int p = pos;
        int stop = p + len;
        pos = stop;
        char[] out = new char[len];
        int n = 0;
        byte[] b = buf;
        while (p < stop) {
            int c = b[p++] & 0xff;
            if (c < 0x80) {
                out[n++] = (char) c;
            } else if ((c & 0xe0) == 0xc0 && p < stop) {
                out[n++] = (char) ((c & 0x1f) << 6 | b[p++] & 0x3f);
            } else if ((c & 0xf0) == 0xe0 && p + 1 < stop) {
                out[n++] = (char) ((c & 0x0f) << 12 | (b[p] & 0x3f) << 6 | b[p + 1] & 0x3f);
                p += 2;
            } else {
                throw new Malformed("a string that is not modified UTF-8");
            }
        }
        return new String(out, 0, n);
    }

    private void need(int n) {
        if (n > end - pos) {
            throw new Malformed("a value runs past the end of the message (" + end + " bytes)");
        }
    }

    /** A message that does not follow the layout. */
    static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Malformed(String why) {
            super(why);
        }
    }
}
