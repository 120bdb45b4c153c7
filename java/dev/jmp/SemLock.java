package dev.jmp;

import dev.jmp.blocking.Deadline;
import dev.jmp.sync.NamedSemaphore;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.time.Duration;

/**
 * A POSIX named semaphore shared by any number of processes, with the owner record
 * that makes it a lock: the base of {@link Lock}, {@link RLock}, {@link Semaphore}
 * and {@link BoundedSemaphore}, as {@code multiprocessing.synchronize.SemLock} (and
 * the C {@code _multiprocessing.SemLock} under it) is of Python's.
 *
 * <p>The kernel object is {@code /dev/shm/sem.jmp.<creator pid>.<random>}, mode
 * 0600. Serializing a SemLock (a child's captured target, a Pipe, a Queue) writes
 * only its name, kind and maximum value; the receiving process opens the name at
 * its first operation on it. The creating process unlinks the name when the object
 * becomes unreachable there or at exit; receivers only close
 * ({@link dev.jmp.resource.Lifetime}). All copies of one SemLock in a process share
 * one handle and one owner record ({@link NamedSemaphore}).
 *
 * <p>Every blocking acquire honours its timeout on the monotonic clock and wakes on
 * {@link Thread#interrupt()} within {@link dev.jmp.blocking.Interrupts#SLICE_MILLIS}
 * milliseconds, throwing {@link InterruptedError} with the flag set again.
 */
public abstract class SemLock implements Serializable {
    private static final long serialVersionUID = 1L;

    /** CPython's kinds: a recursive mutex (RLock) or a counting semaphore (the rest). */
    static final int RECURSIVE_MUTEX = 0;
    static final int SEMAPHORE = 1;

    private static final String ACQUIRING = "acquiring a lock";

    /** CPython's kind: {@code RECURSIVE_MUTEX} or {@code SEMAPHORE}. */
    private final int kind;
    /** The highest value a release may reach. */
    private final int maxvalue;
    /** The named semaphore's name. */
    private final String name;
    private transient NamedSemaphore handle;

    /**
     * A receiver's copy, attached to the semaphore {@code arrived} names (what
     * {@link #readObject} does for Java serialization; see {@link DirectHandles}).
     */
    SemLock(Arrived arrived) {
        this.kind = arrived.kind;
        this.maxvalue = arrived.maxvalue;
        this.name = arrived.name;
        this.handle = NamedSemaphore.attach(name);
    }

    /** What travels of a SemLock, checked: its kind, maximum value and name. */
    static final class Arrived {
        final int kind;
        final int maxvalue;
        final String name;

        Arrived(int kind, int maxvalue, String name) throws InvalidObjectException {
            check(kind, maxvalue, name);
            this.kind = kind;
            this.maxvalue = maxvalue;
            this.name = name;
        }
    }

    int kind() {
        return kind;
    }

    String semName() {
        return name;
    }

    SemLock(int kind, int value, int maxvalue) {
        if (value < 0) {
            throw new IllegalArgumentException("semaphore initial value must be >= 0, not " + value);
        }
        this.kind = kind;
        this.maxvalue = maxvalue;
        this.handle = NamedSemaphore.create(value);
        this.name = handle.name();
    }

    // ---- the Python API ---------------------------------------------------------

    /** Blocks until acquired: Python's {@code acquire()}. */
    public void acquire() {
        acquire(Deadline.never());
    }

    /**
     * Python's {@code acquire(block)}.
     *
     * @param block true: wait until acquired; false: one try
     * @return true if acquired
     */
    public boolean acquire(boolean block) {
        return block ? acquire(Deadline.never()) : acquire((Deadline) null);
    }

    /**
     * Python's {@code acquire(timeout=t)}.
     *
     * @param timeout the longest wait (null: forever; zero or negative: one try)
     * @return true if acquired
     */
    public boolean acquire(Duration timeout) {
        return acquire(Deadline.after(timeout));
    }

    /**
     * Releases: Python's {@code release()}.
     *
     * @throws IllegalStateException for a Lock that is not held, or a BoundedSemaphore
     *         at its bound (Python's ValueError)
     * @throws IllegalMonitorStateException for an RLock not held by this thread of this
     *         process (Python's AssertionError)
     */
    public void release() {
        NamedSemaphore h = handle;
        Thread me = Thread.currentThread();
        if (kind == RECURSIVE_MUTEX) {
            if (h.owner != me) {
                throw new IllegalMonitorStateException("attempt to release recursive lock not owned by thread");
            }
            if (h.depth > 1) {
                h.depth--;
                return;
            }
            h.depth = 0;
            h.owner = null;
            h.clearOwner();
            h.releaseLock(NamedSemaphore.SEM_VALUE_MAX);
            return;
        }
        // A Lock may be released by any thread of any process, so only the kernel knows
        // whether it is held: the release checks the value against maxvalue in the same
        // native call as its sem_post (as CPython's, no guarantee against two releases
        // racing each other from different processes). The owner record is cleared
        // before: once posted, another thread may acquire and record itself.
        Thread owner = h.owner;
        int depth = h.depth;
        h.depth = 0;
        h.owner = null;
        boolean watched = watchesOwner();
        if (watched) {
            h.clearOwner();
        }
        if (!(watched ? h.releaseLock(maxvalue) : h.release(maxvalue))) {
            if (owner != me || maxvalue != 1) {
                h.owner = owner;
                h.depth = depth;
            }
            throw new IllegalStateException("semaphore or lock released too many times");
        }
    }

    // ---- for Condition, Event and the subclasses ---------------------------------

    /** One acquire with a deadline (null: one try, no waiting). */
    final boolean acquire(Deadline deadline) {
        NamedSemaphore h = handle;
        Thread me = Thread.currentThread();
        if (kind == RECURSIVE_MUTEX && h.owner == me) {
            h.depth++;
            return true;
        }
        boolean watched = watchesOwner();
        boolean got;
        try {
            got = deadline == null ? h.tryAcquire() : h.acquire(deadline, ACQUIRING, watched);
        } catch (OwnerDiedError e) {
            h.owner = me;           // taken over: held by this thread now
            h.depth = 1;
            throw e;
        }
        if (got) {
            h.owner = me;
            h.depth = 1;
            if (watched) {
                h.recordOwner();
            }
        }
        return got;
    }

    /**
     * Locks and RLocks have an owner, recorded where every process sees it so that a
     * waiter can take over from a holder that died ({@link OwnerDiedError}); Semaphores
     * have none and keep CPython's semantics.
     */
    private boolean watchesOwner() {
        return kind == RECURSIVE_MUTEX || this instanceof Lock;
    }

    /**
     * For the one-step sections of Value and Array (value(), setValue(), get, set),
     * which hold the lock only inside the method and release it in its finally block:
     * a dead holder's lock is taken over without an OwnerDiedError (the take-over is
     * logged). One value store cannot be left half-done; a caller's own
     * {@code getLock().acquire()} still throws, for sections of several steps.
     */
    final void acquireTakingOver() {
        try {
            acquire();
        } catch (OwnerDiedError e) {
            // held by this thread now: the caller's finally releases it
        }
    }

    /** Acquires, not woken by interrupts: re-taking a Condition's lock after a wait. */
    final void acquireUninterruptibly() {
        NamedSemaphore h = handle;
        Thread me = Thread.currentThread();
        if (kind == RECURSIVE_MUTEX && h.owner == me) {
            h.depth++;
            return;
        }
        boolean watched = watchesOwner();
        try {
            h.acquireUninterruptibly(watched);
        } catch (OwnerDiedError e) {
            h.owner = me;
            h.depth = 1;
            throw e;
        }
        h.owner = me;
        h.depth = 1;
        if (watched) {
            h.recordOwner();
        }
    }

    /** CPython's {@code _is_mine()}: held by this thread of this process. */
    final boolean isMine() {
        return handle.owner == Thread.currentThread();
    }

    /** CPython's {@code _count()} for the holder: how many releases free it. */
    final int count() {
        NamedSemaphore h = handle;
        return h.owner == Thread.currentThread() ? h.depth : 0;
    }

    final int value() {
        return handle.value();
    }

    final int maxvalue() {
        return maxvalue;
    }

    final NamedSemaphore handle() {
        return handle;
    }

    /** CPython's repr names the owner: this process (and thread), None, or someone else. */
    final String ownerDescription() {
        NamedSemaphore h = handle;
        if (h.owner == Thread.currentThread()) {
            String name = Multiprocessing.currentProcess().name();
            String thread = Thread.currentThread().getName();
            return thread.equals("main") ? name : name + "|" + thread;
        }
        if (h.value() >= 1) {
            return "None";
        }
        return h.owner != null ? "SomeOtherThread" : "SomeOtherProcess";
    }

    // ---- serialization: the name travels, the receiver attaches ---------------------

    /**
     * A copy of the name leaves in a message: counted in flight until it arrives
     * ({@link dev.jmp.resource.Holds}).
     *
     * @param out the stream
     * @throws IOException if the stream fails
     */
    private void writeObject(ObjectOutputStream out) throws IOException {
        dev.jmp.resource.Holds.sending(name);
        out.defaultWriteObject();
    }

    /**
     * Checks what arrived, and opens the named semaphore.
     *
     * @param in the stream
     * @throws IOException if the stream fails, or what arrived is not a SemLock's handle
     * @throws ClassNotFoundException if a class of it is missing here
     */
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        check(kind, maxvalue, name);
        handle = NamedSemaphore.attach(name);
    }

    private static void check(int kind, int maxvalue, String name) throws InvalidObjectException {
        if (kind != RECURSIVE_MUTEX && kind != SEMAPHORE) {
            throw new InvalidObjectException("SemLock: unknown kind " + kind);
        }
        if (maxvalue < 0) {
            throw new InvalidObjectException("SemLock: bad maxvalue " + maxvalue);
        }
        // What arrives may come from a pipe: never let it name something outside the
        // flat POSIX name space (a second slash) or past the kernel's length limit.
        if (name == null || name.length() < 2 || name.length() > 251 || name.charAt(0) != '/'
                || name.indexOf('/', 1) >= 0 || name.indexOf('\0') >= 0) {
            throw new InvalidObjectException("SemLock: bad semaphore name");
        }
    }

    /**
     * Copies of one SemLock (in any process) are equal: they are one kernel object.
     *
     * @param o the other object
     * @return whether it is a SemLock of the same semaphore
     */
    @Override
    public final boolean equals(Object o) {
        return o instanceof SemLock && ((SemLock) o).name.equals(name);
    }

    @Override
    public final int hashCode() {
        return name.hashCode();
    }
}
