package dev.jmp;

import dev.jmp.shm.CArray;
import dev.jmp.shm.CType;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;

/**
 * One number of a ctypes type in shared memory: Python's
 * {@code multiprocessing.Value}. Typecodes and sizes as CPython's on Linux x86-64:
 * {@code 'b' 'B'} (1 byte), {@code 'h' 'H'} (2), {@code 'i' 'I' 'f'} (4),
 * {@code 'l' 'L' 'q' 'Q' 'd'} (8); any other is an IllegalArgumentException.
 *
 * <pre>
 * Value counter = new Value('i', 0);
 * Task work = () -&gt; {
 *     for (int k = 0; k &lt; 1000; k++) {
 *         counter.getLock().acquire();
 *         try {
 *             counter.setValue(counter.value().intValue() + 1);
 *         } finally {
 *             counter.getLock().release();
 *         }
 *     }
 * };
 * // or, without the lock: counter.getAndAdd(1)
 * </pre>
 *
 * <p><b>Locking, as CPython.</b> {@code new Value(t, v)} is guarded by a new
 * {@link RLock}: {@link #value()} and {@link #setValue} each take it, so a single read
 * or write never interleaves with a section that holds {@link #getLock()}. A
 * read-modify-write ({@code v.value += 1} in Python) is two such steps and is atomic
 * only inside {@code getLock().acquire() ... release()}: the RLock lets value() and
 * setValue() re-enter it there for the price of a field update, no system call.
 * {@code new Value(t, v, false)} has no lock (Python's {@code lock=False}):
 * value() and setValue() are then a bare volatile load and store, and getLock()
 * throws IllegalStateException (Python: AttributeError).
 *
 * <p><b>Atomic updates without the lock (beyond CPython).</b> {@link #compareAndSet},
 * {@link #getAndAdd}, {@link #addAndGet} and {@link #getAndSet} are single atomic
 * instructions on the shared memory (a compare-and-set loop for 1- and 2-byte types
 * and for floats), for any typecode and whether or not the Value has a lock; they do
 * not take it. Do not mix them with a locked read-modify-write of the same Value: the
 * lock does not stop them, so the locked section's store can overwrite an atomic add.
 *
 * <p><b>Values in and out, as ctypes.</b> An integer typecode takes any integral
 * Number and <em>truncates it silently</em> to its width (ctypes: {@code c_ubyte(-1)}
 * is 255), and refuses a Float or Double with IllegalArgumentException (ctypes:
 * TypeError); {@code 'f'}/{@code 'd'} take any Number. value() is an {@code Integer}
 * for {@code b B h H i}, a {@code Long} for {@code I l q} and for {@code L Q} up to
 * {@code Long.MAX_VALUE} (a {@code BigInteger} above), a {@code Float} for {@code 'f'},
 * a {@code Double} for {@code 'd'}. Integer atomics wrap around in the type's width.
 *
 * <p><b>Processes.</b> A Value given to a child (captured by its target, or sent
 * through a Pipe or Queue) is a handle to the same memory and the same lock; the
 * receiver maps the memory at first use. The memory is
 * {@code /dev/shm/jmp.<pid>.<random>} (8 bytes; its lock a semaphore beside it), and
 * the creating process unlinks it when the Value becomes unreachable there or at exit
 * ({@link dev.jmp.resource.Lifetime}).
 */
public final class Value implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The value's shared memory, travelling as its name. */
    private final CArray cell;
    /** The ctypes type. */
    private final CType type;        // cell's, at hand for the read path
    /** The lock that guards it, travelling as its semaphore's name. */
    private final RLock lock;        // null: lock=false
    /**
     * cell's mapping, once used here. An unlocked read is as cheap as a plain ByteBuffer
     * read should be, and each object hop on the way to the memory shows in it;
     * volatile, as a ByteBuffer is not safely published.
     */
    private transient volatile ByteBuffer memory;

    /**
     * A Value guarded by a new RLock: Python's {@code Value(typecode, initial)}.
     *
     * @param typecode the ctypes typecode (see the class comment)
     * @param initial the first value, converted as {@link #setValue} converts
     */
    public Value(char typecode, Number initial) {
        this(typecode, initial, true);
    }

    /**
     * Python's {@code Value(typecode, initial, lock=lock)}.
     *
     * @param typecode the ctypes typecode (see the class comment)
     * @param initial the first value
     * @param lock true: guarded by a new RLock; false: no lock, value() and setValue()
     *        are a bare load and store
     */
    public Value(char typecode, Number initial, boolean lock) {
        CType type = CType.of(typecode);
        long raw = type.raw(initial);       // refuse a bad initial before creating anything
        CArray c = CArray.create(type, 1);
        c.setRaw(0, raw);
        this.cell = c;
        this.type = type;
        this.lock = lock ? new RLock() : null;
    }

    /**
     * Python's {@code v.value}, read under the lock (if any).
     *
     * @return the value, boxed as the class comment says
     */
    public Number value() {
        RLock l = lock;
        if (l == null || l.isMine()) {
            // No lock, or this thread holds it already (CPython's `with v.get_lock():
            // v.value += 1`): taking the RLock once more and giving it back would change
            // nothing. Kept apart from the acquiring path so that this method stays
            // small enough for the JIT to inline, and the boxed value to vanish.
            return CArray.first(type, memory());
        }
        return lockedValue(l);
    }

    private Number lockedValue(RLock l) {
        l.acquireTakingOver();
        try {
            return CArray.first(type, memory());
        } finally {
            l.release();
        }
    }

    private ByteBuffer memory() {
        ByteBuffer m = memory;
        if (m == null) {
            m = cell.memory();      // maps it in a process that received this Value
            memory = m;
        }
        return m;
    }

    /**
     * Python's {@code v.value = x}, under the lock (if any).
     *
     * @param v the new value, converted as ctypes converts it
     */
    public void setValue(Number v) {
        RLock l = lock;
        if (l == null) {
            cell.set(0, v);
            return;
        }
        if (l.isMine()) {
            CArray.storeFirstLocked(type, memory(), v);      // held already: see value()
            return;
        }
        lockedSetValue(l, v);
    }

    private void lockedSetValue(RLock l, Number v) {
        l.acquireTakingOver();
        try {
            CArray.storeFirstLocked(type, memory(), v);
        } finally {
            l.release();
        }
    }

    /**
     * Python's {@code get_lock()}.
     *
     * @return the RLock that guards this Value
     * @throws IllegalStateException for a Value made with lock=false
     */
    public SemLock getLock() {
        if (lock == null) {
            throw new IllegalStateException("this Value has no lock (it was made with lock=false)");
        }
        return lock;
    }

    /**
     * Atomically sets the value to {@code newValue} if it is {@code expected} (beyond Python).
     *
     * @param expected the value it must have; floats compare bit for bit
     * @param newValue the value it gets
     * @return whether it was set
     */
    public boolean compareAndSet(Number expected, Number newValue) {
        return cell.compareAndSet(0, expected, newValue);
    }

    /**
     * Atomically adds {@code delta}, wrapping in the type's width (beyond Python).
     *
     * @param delta what to add
     * @return the value before
     */
    public Number getAndAdd(Number delta) {
        return cell.getAndAdd(0, delta);
    }

    /**
     * Atomically adds {@code delta}, wrapping in the type's width (beyond Python).
     *
     * @param delta what to add
     * @return the value after
     */
    public Number addAndGet(Number delta) {
        return cell.addAndGet(0, delta);
    }

    /**
     * Atomically stores {@code v} (beyond Python).
     *
     * @param v the new value
     * @return the value before
     */
    public Number getAndSet(Number v) {
        return cell.getAndSet(0, v);
    }

    /**
     * The {@code typecode_or_type} given to Python's {@code Value(...)}, which has no
     * accessor for it.
     *
     * @return the typecode this Value was made with
     */
    public char typecode() {
        return cell.type().typecode;
    }

    /** The memory under it (tests). */
    CArray cells() {
        return cell;
    }

    /**
     * Checks what arrived.
     *
     * @param in the stream
     * @throws IOException if the stream fails, or what arrived is not a Value
     * @throws ClassNotFoundException if a class of it is missing here
     */
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        if (cell == null || cell.length() != 1 || type != cell.type()) {
            throw new InvalidObjectException("Value: bad cell");
        }
    }

    /** As Python's repr: {@code <Synchronized wrapper for c_int(5)>}, or {@code c_int(5)} without a lock. */
    @Override
    public String toString() {
        String v;
        try {
            v = cell.type().ctypesName + "(" + cell.get(0) + ")";
        } catch (RuntimeException e) {
            v = cell.type().ctypesName + "(?)";
        }
        return lock == null ? v : "<Synchronized wrapper for " + v + ">";
    }
}
