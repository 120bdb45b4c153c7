package dev.jmp.shm;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * CPython's {@code ShareableList} layout in a shared memory block, byte for byte, so a
 * Python program attaches to a jmp ShareableList by name (and the other way round).
 * Native byte order; every slot and length is a multiple of 8.
 *
 * <pre>
 *   0                 n: the number of items (int64)
 *   8                 n + 1 offsets (int64) of the items in the data area; offset[0] = 0,
 *                     offset[i+1] - offset[i] = the bytes allocated to item i
 *   (n + 2) * 8       the data area: item i at its offset, packed by its format:
 *                       "q"         an int64               (Python int)
 *                       "d"         a double               (float)
 *                       "xxxxxxx?"  7 pad bytes, a 0/1 byte (bool)
 *                       "xxxxxx?x"  a 0 byte at 6          (None)
 *                       "&lt;k&gt;s"       k bytes, NUL-padded   (str as UTF-8, or bytes);
 *                                   k = 8 * (len / 8 + 1) when the item was first stored
 *   data + offset[n]  n formats, 8 bytes each, ASCII, NUL-padded
 *   ... + 8n          n back-transform codes, one byte each: 0 as packed, 1 str, 2 bytes, 3 None
 * </pre>
 */
public final class ShareableListDescriptor {
    private ShareableListDescriptor() {
    }

    public static final int ALIGNMENT = 8;
    public static final byte AS_PACKED = 0;
    public static final byte STR = 1;
    public static final byte BYTES = 2;
    public static final byte NONE = 3;

    public static int length(ByteBuffer b) {
        return Math.toIntExact(b.getLong(0));
    }

    public static int offset(ByteBuffer b, int i) {
        return Math.toIntExact(b.getLong(8 + 8 * i));
    }

    public static int dataStart(int n) {
        return (n + 2) * 8;
    }

    public static int formatsStart(ByteBuffer b, int n) {
        return dataStart(n) + offset(b, n);
    }

    public static int codesStart(ByteBuffer b, int n) {
        return formatsStart(b, n) + 8 * n;
    }

    /** The whole block's size for items taking {@code dataBytes} in the data area. */
    public static int size(int n, int dataBytes) {
        return dataStart(n) + dataBytes + 8 * n + n;
    }

    public static String format(ByteBuffer b, int n, int i) {
        byte[] f = new byte[8];
        b.get(formatsStart(b, n) + 8 * i, f);
        int len = 0;
        while (len < 8 && f[len] != 0) {
            len++;
        }
        return new String(f, 0, len, StandardCharsets.US_ASCII);
    }

    public static void setFormat(ByteBuffer b, int n, int i, String format) {
        byte[] f = new byte[8];
        byte[] ascii = format.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(ascii, 0, f, 0, ascii.length);
        b.put(formatsStart(b, n) + 8 * i, f);
    }
}
