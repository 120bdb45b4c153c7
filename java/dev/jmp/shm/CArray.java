package dev.jmp.shm;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;

/**
 * A fixed-length array of one ctypes type in its own shared-memory object: what is
 * under {@code Value} (length 1) and {@code Array}, without their lock. CPython
 * allocates these from a shared heap; here each has a {@link Segment} of its own
 * (its size rounded up to 8 bytes), owned by the creating process and unlinked when
 * it becomes unreachable there or at exit.
 *
 * <p>Element {@code i} is at byte {@code i * size}, in native order, aligned. Every
 * access is volatile and the updates are atomic ({@link Cells}); locking is the
 * caller's business. Travels as a handle (name, type, length); the receiver maps at
 * first use.
 */
public final class CArray implements Serializable {
    private static final long serialVersionUID = 1L;

    private final CType type;
    private final int length;
    private final Segment segment;

    private CArray(CType type, int length, Segment segment) {
        this.type = type;
        this.length = length;
        this.segment = segment;
    }

    /** {@code length} zeros of {@code type} in a new shared-memory object. */
    public static CArray create(CType type, int length) {
        if (length < 0) {
            throw new IllegalArgumentException("array length must be >= 0, not " + length);
        }
        int size = Cells.segmentSize((long) length * type.size);
        return new CArray(type, length, Segment.createFresh(size, Segment.Unlink.WHEN_UNREACHABLE));
    }

    public CType type() {
        return type;
    }

    public int length() {
        return length;
    }

    public String name() {
        return segment.name();
    }

    /** Element {@code i} (see {@link CType} for what comes out). */
    public Number get(int i) {
        return type.get(segment.buffer(), offset(i));
    }

    /**
     * The mapping, in native order (mapped here at first use in a process that received
     * this array). A caller that keeps it must keep it in a final or volatile field: a
     * ByteBuffer is not safely published through a plain one (its address is not final).
     */
    public ByteBuffer memory() {
        return segment.buffer();
    }

    /**
     * Element 0 of an array of {@code type} over {@code memory}: an unlocked Value's
     * read. That is a nanosecond, where every step shows, so: no index check, and
     * identity tests on the type for the common ones rather than a call through it (a
     * class check). The boxing goes away where the caller unboxes at once (C2
     * eliminates {@code Integer.valueOf(x).intValue()}).
     */
    public static Number first(CType type, ByteBuffer memory) {
        if (type == CType.INT) {
            return Cells.loadInt(memory, 0);
        }
        if (type == CType.DOUBLE) {
            return Double.longBitsToDouble(Cells.loadLong(memory, 0));
        }
        if (type == CType.LONGLONG || type == CType.LONG) {
            return Cells.loadLong(memory, 0);
        }
        return type.get(memory, 0);
    }

    /**
     * Stores {@code v} (converted as {@link #set} converts it) in element 0 of an array
     * of {@code type} over {@code memory}: a locked Value's store. A release store, not
     * a volatile one: the lock held around it publishes it when released.
     */
    public static void storeFirstLocked(CType type, ByteBuffer memory, Number v) {
        Cells.storeRelease(type, memory, 0, type.raw(v));
    }

    /** Stores {@code v} at {@code i}, converted as ctypes converts it. */
    public void set(int i, Number v) {
        long raw = type.raw(v);
        Cells.store(type, segment.buffer(), offset(i), raw);
    }

    /** Stores a value already in raw form (for filling a new array). */
    public void setRaw(int i, long raw) {
        Cells.store(type, segment.buffer(), offset(i), type.normalize(raw));
    }

    /**
     * Atomically sets element {@code i} to {@code update} if it is {@code expected}
     * (both converted as {@link #set}; floats compare bit for bit).
     */
    public boolean compareAndSet(int i, Number expected, Number update) {
        long e = type.raw(expected);
        long u = type.raw(update);
        return Cells.compareAndSet(type, segment.buffer(), offset(i), e, u);
    }

    /** Atomically adds {@code delta}; returns the value before. */
    public Number getAndAdd(int i, Number delta) {
        if (delta == null) {
            throw new NullPointerException("delta is null");
        }
        return type.box(Cells.getAndAdd(type, segment.buffer(), offset(i), delta));
    }

    /** Atomically adds {@code delta}; returns the value after. */
    public Number addAndGet(int i, Number delta) {
        if (delta == null) {
            throw new NullPointerException("delta is null");
        }
        return type.box(type.add(Cells.getAndAdd(type, segment.buffer(), offset(i), delta), delta));
    }

    /** Atomically stores {@code v}; returns the value before. */
    public Number getAndSet(int i, Number v) {
        long raw = type.raw(v);
        return type.box(Cells.getAndSet(type, segment.buffer(), offset(i), raw));
    }

    private int offset(int i) {
        if (i < 0 || i >= length) {
            throw new IndexOutOfBoundsException("index " + i + " out of range for length " + length);
        }
        return i * type.size;
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        if (type == null || segment == null || length < 0
                || (long) length * type.size > segment.size()) {
            throw new InvalidObjectException("shared array: bad type, length or size");
        }
    }

    @Override
    public String toString() {
        return type.ctypesName + "_Array_" + length + " at " + segment.name();
    }
}
