package dev.jmp.shm;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Loads, stores and atomic updates of one ctypes type in a mapped buffer, at a byte
 * offset that is a multiple of the type's size. Values are in {@link CType}'s raw form.
 *
 * <h2>Every access is volatile</h2>
 * Through {@link MethodHandles#byteBufferViewVarHandle} views: an unlocked reader in
 * another process must see a fresh value (a plain load may be hoisted out of a loop by
 * the JIT and never read memory again), and a store must be published. On x86-64 a
 * volatile load is a plain {@code mov}, so reading costs what a ByteBuffer read does.
 * One exception: {@link #storeRelease}, for a cell written only under a lock, whose
 * release publishes the store.
 * The views need aligned offsets for anything but plain access; every cell is aligned
 * to its size (a Segment starts on a page).
 *
 * <h2>Bytes and shorts</h2>
 * The JDK's buffer views have no byte view and no atomic update on shorts. So a
 * 1- or 2-byte cell is read and updated through the aligned int that contains it:
 * a volatile load of the int, or a compare-and-set loop on it that changes only the
 * cell's bits (if a neighbour changed meanwhile, the CAS fails and the loop reads
 * again). A Segment's size is rounded up to 8 bytes, so that int always lies inside
 * the mapping. Shorts are loaded and stored directly (volatile get/set exist for them).
 */
final class Cells {
    private Cells() {
    }

    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final boolean LITTLE = NATIVE == ByteOrder.LITTLE_ENDIAN;
    private static final VarHandle SHORT = MethodHandles.byteBufferViewVarHandle(short[].class, NATIVE);
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, NATIVE);
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, NATIVE);

    /** Round a cell area up so that the int around its last byte lies inside it. */
    static int segmentSize(long bytes) {
        long rounded = Math.max(8, (bytes + 7) & ~7L);
        if (rounded > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("too large for one shared memory mapping: " + bytes + " bytes");
        }
        return (int) rounded;
    }

    static int loadInt(ByteBuffer b, int off) {
        return (int) INT.getVolatile(b, off);
    }

    static long loadLong(ByteBuffer b, int off) {
        return (long) LONG.getVolatile(b, off);
    }

    static long load(CType t, ByteBuffer b, int off) {
        switch (t.size) {
            case 4:
                return t.normalize((int) INT.getVolatile(b, off));
            case 8:
                return (long) LONG.getVolatile(b, off);
            case 2:
                return t.normalize((short) SHORT.getVolatile(b, off));
            default:
                return t.normalize((int) INT.getVolatile(b, off & ~3) >>> shift(t, off));
        }
    }

    static void store(CType t, ByteBuffer b, int off, long raw) {
        switch (t.size) {
            case 4:
                INT.setVolatile(b, off, (int) raw);
                return;
            case 8:
                LONG.setVolatile(b, off, raw);
                return;
            case 2:
                SHORT.setVolatile(b, off, (short) raw);
                return;
            default:
                getAndSetInWord(t, b, off, raw);
        }
    }

    /**
     * A release store, for a cell written only under a lock: the lock's own release
     * publishes it, so the full fence of a volatile store would be paid for nothing.
     */
    static void storeRelease(CType t, ByteBuffer b, int off, long raw) {
        switch (t.size) {
            case 4:
                INT.setRelease(b, off, (int) raw);
                return;
            case 8:
                LONG.setRelease(b, off, raw);
                return;
            case 2:
                SHORT.setRelease(b, off, (short) raw);
                return;
            default:
                getAndSetInWord(t, b, off, raw);
        }
    }

    static boolean compareAndSet(CType t, ByteBuffer b, int off, long expected, long update) {
        switch (t.size) {
            case 4:
                return INT.compareAndSet(b, off, (int) expected, (int) update);
            case 8:
                return LONG.compareAndSet(b, off, expected, update);
            default:
                int word = off & ~3;
                int shift = shift(t, off);
                int mask = mask(t) << shift;
                while (true) {
                    int w = (int) INT.getVolatile(b, word);
                    if (t.normalize(w >>> shift) != expected) {
                        return false;
                    }
                    int next = (w & ~mask) | (((int) update << shift) & mask);
                    if (INT.compareAndSet(b, word, w, next)) {
                        return true;
                    }
                }
        }
    }

    /** Stores {@code raw}; returns the raw value it replaced. */
    static long getAndSet(CType t, ByteBuffer b, int off, long raw) {
        switch (t.size) {
            case 4:
                return t.normalize((int) INT.getAndSet(b, off, (int) raw));
            case 8:
                return (long) LONG.getAndSet(b, off, raw);
            default:
                return getAndSetInWord(t, b, off, raw);
        }
    }

    /** Adds {@code delta} as the type adds (see {@link CType#add}); returns the raw value before. */
    static long getAndAdd(CType t, ByteBuffer b, int off, Number delta) {
        if (!t.floating()) {
            if (t.size == 4) {
                return t.normalize((int) INT.getAndAdd(b, off, (int) t.raw(delta)));
            }
            if (t.size == 8) {
                return (long) LONG.getAndAdd(b, off, t.raw(delta));
            }
        }
        while (true) {
            long current = load(t, b, off);
            if (compareAndSet(t, b, off, current, t.add(current, delta))) {
                return current;
            }
        }
    }

    private static long getAndSetInWord(CType t, ByteBuffer b, int off, long raw) {
        int word = off & ~3;
        int shift = shift(t, off);
        int mask = mask(t) << shift;
        while (true) {
            int w = (int) INT.getVolatile(b, word);
            int next = (w & ~mask) | (((int) raw << shift) & mask);
            if (INT.compareAndSet(b, word, w, next)) {
                return t.normalize(w >>> shift);
            }
        }
    }

    private static int mask(CType t) {
        return t.size == 1 ? 0xFF : 0xFFFF;
    }

    /** Bit position of the cell at {@code off} inside the int at {@code off & ~3}. */
    private static int shift(CType t, int off) {
        int inWord = off & 3;
        return 8 * (LITTLE ? inWord : 4 - t.size - inWord);
    }
}
