package dev.jmp;

import dev.jmp.shm.CArray;
import dev.jmp.shm.CType;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;

/**
 * A fixed-length array of one ctypes type in shared memory, guarded by a new
 * {@link RLock}: Python's {@code multiprocessing.Array(typecode, size_or_initializer)}
 * with its default {@code lock=True}. Typecodes, sizes and the conversion of values
 * are {@link Value}'s ({@code 'b' 'B' 'h' 'H' 'i' 'I' 'l' 'L' 'q' 'Q' 'f' 'd'};
 * integers truncated silently to the type's width, floating-point values refused for
 * integer types).
 *
 * <pre>
 * Array squares = new Array('d', 10);
 * Process p = new Process(() -&gt; {
 *     for (int i = 0; i &lt; squares.length(); i++) {
 *         squares.set(i, i * i);
 *     }
 * });
 * </pre>
 *
 * <p>As in CPython each {@link #get} and {@link #set} takes the lock for that one
 * element; hold {@link #getLock()} around several accesses that must be seen
 * together. An index outside {@code 0 .. length()-1} is an IndexOutOfBoundsException
 * (Java's rule: there are no negative indices from the end).
 *
 * <p>Beyond CPython, {@link #compareAndSet}, {@link #getAndAdd} and {@link #addAndGet}
 * update one element atomically without the lock (see {@link Value}).
 *
 * <p>An Array given to a child is a handle to the same memory and lock; the memory
 * ({@code /dev/shm/jmp.<pid>.<random>}, the elements rounded up to 8 bytes) is unlinked
 * by the creating process when the Array becomes unreachable there or at exit.
 */
public final class Array implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The elements' shared memory, travelling as its name. */
    private final CArray cells;
    /** The lock that guards them, travelling as its semaphore's name. */
    private final RLock lock;

    /**
     * Python's {@code Array(typecode, length)}.
     *
     * @param typecode the ctypes typecode (as {@link Value}'s)
     * @param length how many elements, all zero
     */
    public Array(char typecode, int length) {
        CType type = CType.of(typecode);
        this.cells = CArray.create(type, length);
        this.lock = new RLock();
    }

    /**
     * Python's {@code Array(typecode, init)} with floats.
     *
     * @param typecode {@code 'f'} or {@code 'd'} (ctypes refuses floats for integer types)
     * @param init the values, copied
     */
    public Array(char typecode, double[] init) {
        CType type = CType.of(typecode);
        if (!type.floating()) {
            throw new IllegalArgumentException("int expected instead of double for typecode '" + typecode
                    + "' (give a long[])");
        }
        CArray c = CArray.create(type, init.length);
        for (int i = 0; i < init.length; i++) {
            c.setRaw(i, type.raw(init[i]));
        }
        this.cells = c;
        this.lock = new RLock();
    }

    /**
     * Python's {@code Array(typecode, init)} with ints.
     *
     * @param typecode the ctypes typecode
     * @param init the values, copied, each converted as {@link #set} converts it
     */
    public Array(char typecode, long[] init) {
        CType type = CType.of(typecode);
        CArray c = CArray.create(type, init.length);
        for (int i = 0; i < init.length; i++) {
            c.setRaw(i, type.raw(init[i]));
        }
        this.cells = c;
        this.lock = new RLock();
    }

    /**
     * Python's {@code len(a)}.
     *
     * @return the number of elements
     */
    public int length() {
        return cells.length();
    }

    /**
     * Python's {@code a[i]}, read under the lock.
     *
     * @param i the index, 0 to {@code length() - 1}
     * @return the element
     */
    public Number get(int i) {
        if (lock.isMine()) {
            return cells.get(i);        // held already: see Value.value()
        }
        return lockedGet(i);
    }

    private Number lockedGet(int i) {
        lock.acquireTakingOver();
        try {
            return cells.get(i);
        } finally {
            lock.release();
        }
    }

    /**
     * Python's {@code a[i] = v}, under the lock.
     *
     * @param i the index, 0 to {@code length() - 1}
     * @param v the value, converted as ctypes converts it
     */
    public void set(int i, Number v) {
        if (lock.isMine()) {
            cells.set(i, v);
            return;
        }
        lockedSet(i, v);
    }

    private void lockedSet(int i, Number v) {
        lock.acquireTakingOver();
        try {
            cells.set(i, v);
        } finally {
            lock.release();
        }
    }

    /**
     * Python's {@code get_lock()}.
     *
     * @return the RLock that guards this Array
     */
    public SemLock getLock() {
        return lock;
    }

    /**
     * Atomically sets element {@code i} to {@code newValue} if it is {@code expected},
     * without the lock (beyond Python).
     *
     * @param i the index
     * @param expected the value it must have; floats compare bit for bit
     * @param newValue the value it gets
     * @return whether it was set
     */
    public boolean compareAndSet(int i, Number expected, Number newValue) {
        return cells.compareAndSet(i, expected, newValue);
    }

    /**
     * Atomically adds {@code delta} to element {@code i}, without the lock (beyond Python).
     *
     * @param i the index
     * @param delta what to add
     * @return the value before
     */
    public Number getAndAdd(int i, Number delta) {
        return cells.getAndAdd(i, delta);
    }

    /**
     * Atomically adds {@code delta} to element {@code i}, without the lock (beyond Python).
     *
     * @param i the index
     * @param delta what to add
     * @return the value after
     */
    public Number addAndGet(int i, Number delta) {
        return cells.addAndGet(i, delta);
    }

    /**
     * The {@code typecode_or_type} given to Python's {@code Array(...)}, which has no
     * accessor for it.
     *
     * @return the typecode this Array was made with
     */
    public char typecode() {
        return cells.type().typecode;
    }

    /** The memory under it (tests). */
    CArray cells() {
        return cells;
    }

    /**
     * Checks what arrived.
     *
     * @param in the stream
     * @throws IOException if the stream fails, or what arrived is not an Array
     * @throws ClassNotFoundException if a class of it is missing here
     */
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        if (cells == null || lock == null) {
            throw new InvalidObjectException("Array: missing cells or lock");
        }
    }

    /** As Python's repr: {@code <SynchronizedArray wrapper for c_int_Array_3>}. */
    @Override
    public String toString() {
        return "<SynchronizedArray wrapper for " + cells.type().ctypesName + "_Array_" + cells.length() + ">";
    }
}
