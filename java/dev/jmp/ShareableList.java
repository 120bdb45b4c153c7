package dev.jmp;

import dev.jmp.shm.ShareableListDescriptor;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * Python's {@code multiprocessing.shared_memory.ShareableList}: a fixed-length list of
 * ints, floats, booleans, strings, byte arrays and nulls in a {@link SharedMemory}
 * block, laid out as CPython lays it out (see {@code dev.jmp.shm.ShareableListDescriptor}),
 * so a Python program attaches with {@code ShareableList(name=...)} and reads the same
 * values.
 *
 * <p>Types, as Python stores them: a Long, Integer, Short or Byte is stored as an int64
 * and read back as a Long (Python's int); a Double or Float as a double (read: Double);
 * a Boolean, a String (UTF-8), a {@code byte[]}, null. A string or byte array gets room
 * for its length rounded up to the next multiple of 8 when the list is made, and a later
 * one must fit there (else IllegalArgumentException, Python's ValueError). The length
 * never changes ({@code add}/{@code remove}: UnsupportedOperationException).
 *
 * <p>Nothing is cached: every {@code get} reads the block, so a value set by another
 * process shows at once (no lock: guard concurrent writers yourself, as in Python).
 * Serializable: it travels as its block's name.
 */
public final class ShareableList extends AbstractList<Object> implements RandomAccess, AutoCloseable, Serializable {
    private static final long serialVersionUID = 1L;

    /** The block holding the list, travelling as its name. */
    private final SharedMemory shm;

    /**
     * A new list in a block with a fresh name: Python's {@code ShareableList(sequence)}.
     *
     * @param sequence the items (their types as the class comment lists)
     */
    public ShareableList(List<?> sequence) {
        this(sequence, null);
    }

    /**
     * A new list in a new block: Python's {@code ShareableList(sequence, name=name)}.
     *
     * @param sequence the items (their types as the class comment lists)
     * @param name the block's name (null: a fresh name)
     */
    public ShareableList(List<?> sequence, String name) {
        Objects.requireNonNull(sequence, "sequence");
        int n = sequence.size();
        String[] formats = new String[n];
        int[] offsets = new int[n + 1];
        for (int i = 0; i < n; i++) {
            formats[i] = formatOf(sequence.get(i));
            offsets[i + 1] = offsets[i] + slot(formats[i]);
        }
        shm = new SharedMemory(name, true, Math.max(1, ShareableListDescriptor.size(n, offsets[n])));
        ByteBuffer b = shm.buf();
        b.putLong(0, n);
        for (int i = 0; i <= n; i++) {
            b.putLong(8 + 8 * i, offsets[i]);
        }
        for (int i = 0; i < n; i++) {
            write(b, n, i, sequence.get(i), formats[i]);
        }
    }

    /**
     * Attaches to an existing list: Python's {@code ShareableList(name=name)}.
     *
     * @param name the name of the block holding it
     */
    public ShareableList(String name) {
        shm = new SharedMemory(Objects.requireNonNull(name, "name"));
    }

    /**
     * Python's {@code shm}.
     *
     * @return the block holding the list
     */
    public SharedMemory shm() {
        return shm;
    }

    /**
     * Python's {@code len(sl)}.
     *
     * @return the number of items, fixed when the list was made
     */
    @Override
    public int size() {
        return ShareableListDescriptor.length(shm.buf());
    }

    /**
     * Python's {@code sl[index]}, read from the block now.
     *
     * @param index 0 to {@code size() - 1}
     * @return a Long, Double, Boolean, String, {@code byte[]} or null
     */
    @Override
    public Object get(int index) {
        ByteBuffer b = shm.buf();
        int n = ShareableListDescriptor.length(b);
        Objects.checkIndex(index, n);
        int at = ShareableListDescriptor.dataStart(n) + ShareableListDescriptor.offset(b, index);
        String format = ShareableListDescriptor.format(b, n, index);
        byte code = b.get(ShareableListDescriptor.codesStart(b, n) + index);
        switch (code) {
            case ShareableListDescriptor.NONE:
                return null;
            case ShareableListDescriptor.STR:
            case ShareableListDescriptor.BYTES: {
                byte[] raw = new byte[Integer.parseInt(format.substring(0, format.length() - 1))];
                b.get(at, raw);
                int len = raw.length;
                while (len > 0 && raw[len - 1] == 0) {
                    len--;      // Python's rstrip(b'\x00')
                }
                return code == ShareableListDescriptor.STR ? new String(raw, 0, len, StandardCharsets.UTF_8)
                        : Arrays.copyOf(raw, len);
            }
            default:
                return switch (format) {
                    case "q" -> b.getLong(at);
                    case "d" -> b.getDouble(at);
                    case "xxxxxxx?" -> b.get(at + 7) != 0;
                    default -> throw new IllegalStateException("unknown item format '" + format + "' at " + index);
                };
        }
    }

    /**
     * Python's {@code sl[index] = value}.
     *
     * @param index 0 to {@code size() - 1}
     * @param value an int, float, boolean, String, {@code byte[]} or null; a String or
     *        {@code byte[]} must fit the room of the item it replaces
     * @return the old value
     */
    @Override
    public Object set(int index, Object value) {
        Object old = get(index);
        ByteBuffer b = shm.buf();
        int n = ShareableListDescriptor.length(b);
        String format = formatOf(value);
        if (format.endsWith("s")) {
            int room = ShareableListDescriptor.offset(b, index + 1) - ShareableListDescriptor.offset(b, index);
            if (bytesOf(value).length > room) {
                throw new IllegalArgumentException("bytes/str item exceeds available storage");
            }
            format = room + "s";
        }
        write(b, n, index, value, format);
        return old;
    }

    /**
     * Python's {@code format}.
     *
     * @return the struct formats of all items, joined
     */
    public String format() {
        ByteBuffer b = shm.buf();
        int n = ShareableListDescriptor.length(b);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(ShareableListDescriptor.format(b, n, i));
        }
        return sb.toString();
    }

    /**
     * Python's {@code count(value)}.
     *
     * @param value what to count (byte arrays compare by content)
     * @return how many items equal it
     */
    public int count(Object value) {
        int c = 0;
        for (Object o : this) {
            if (same(o, value)) {
                c++;
            }
        }
        return c;
    }

    /** Closes this process's mapping: Python's {@code sl.shm.close()} (the block stays: {@code shm().unlink()} removes it). */
    @Override
    public void close() {
        shm.close();
    }

    /**
     * Like Python's repr: {@code ShareableList([1, a], name='jmp.4242.abc')}.
     *
     * @return the description
     */
    @Override
    public String toString() {
        return "ShareableList(" + super.toString() + ", name='" + shm.name() + "')";
    }

    private static boolean same(Object a, Object b) {
        return a instanceof byte[] x && b instanceof byte[] y ? Arrays.equals(x, y) : Objects.equals(a, b);
    }

    private static void write(ByteBuffer b, int n, int i, Object value, String format) {
        int at = ShareableListDescriptor.dataStart(n) + ShareableListDescriptor.offset(b, i);
        byte code = ShareableListDescriptor.AS_PACKED;
        if (value == null) {
            b.putLong(at, 0);
            code = ShareableListDescriptor.NONE;
        } else if (value instanceof Boolean flag) {
            b.putLong(at, 0);
            b.put(at + 7, (byte) (flag ? 1 : 0));
        } else if (value instanceof Double || value instanceof Float) {
            b.putDouble(at, ((Number) value).doubleValue());
        } else if (value instanceof String || value instanceof byte[]) {
            byte[] raw = bytesOf(value);
            int room = Integer.parseInt(format.substring(0, format.length() - 1));
            b.put(at, raw);
            b.put(at + raw.length, new byte[room - raw.length]);
            code = value instanceof String ? ShareableListDescriptor.STR : ShareableListDescriptor.BYTES;
        } else {
            b.putLong(at, ((Number) value).longValue());
        }
        ShareableListDescriptor.setFormat(b, n, i, format);
        b.put(ShareableListDescriptor.codesStart(b, n) + i, code);
    }

    private static String formatOf(Object v) {
        if (v == null) {
            return "xxxxxx?x";
        }
        if (v instanceof Boolean) {
            return "xxxxxxx?";
        }
        if (v instanceof Double || v instanceof Float) {
            return "d";
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return "q";
        }
        if (v instanceof String || v instanceof byte[]) {
            int len = bytesOf(v).length;
            return ShareableListDescriptor.ALIGNMENT * (len / ShareableListDescriptor.ALIGNMENT + 1) + "s";
        }
        throw new IllegalArgumentException("a ShareableList holds ints, floats, booleans, strings, byte[] and null, not "
                + v.getClass().getName());
    }

    private static int slot(String format) {
        return format.endsWith("s") ? Integer.parseInt(format.substring(0, format.length() - 1))
                : ShareableListDescriptor.ALIGNMENT;
    }

    private static byte[] bytesOf(Object v) {
        return v instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : (byte[]) v;
    }
}
