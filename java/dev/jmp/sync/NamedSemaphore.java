package dev.jmp.sync;

import dev.jmp.OwnerDiedError;
import dev.jmp.PosixException;
import dev.jmp.blocking.Deadline;
import dev.jmp.blocking.Interrupts;
import dev.jmp.posix.Linux;
import dev.jmp.posix.Posix;
import dev.jmp.posix.Sem;
import dev.jmp.resource.HandleTable;
import dev.jmp.resource.KernelHandle;
import dev.jmp.resource.KernelNames;
import dev.jmp.resource.Lifetime;
import dev.jmp.resource.Log;
import dev.jmp.resource.OwnedName;
import java.lang.ref.Reference;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * This process's handle on one POSIX named semaphore: the kernel object under every
 * {@code SemLock}.
 *
 * <p><b>One per name per process.</b> {@link #attach} returns the live handle for a
 * name if this process already has one (the creator's own, or one attached
 * earlier), so two Java objects that arrive for the same Lock share one handle, one
 * {@code sem_t *} and one owner record: an RLock acquired through one copy is owned
 * through the other ({@link HandleTable}).
 *
 * <p><b>Opened lazily, by everyone.</b> A receiver opens the name
 * ({@code sem_open(name, 0)}) at its first operation, not when it is deserialized
 * ({@link KernelHandle} says why); so does the creator, which only makes the
 * semaphore ({@link Posix#sem_create}): a Lock made and dropped unused holds no
 * mapping and no descriptor, of which a process has only so many, however many such
 * Locks wait for the collector; and it is never closed, only unlinked. An explicit
 * {@link #unlink()} opens it first, so the creator's own object still works without
 * its name. (The exit sequence unlinks without opening: a Lock first used by a daemon
 * thread after that fails as a receiver's would, {@link KernelNames#gone}.)
 *
 * <p><b>Uncontended: in Java.</b> An acquire that finds the value above 0 and a
 * release that finds no sleeping waiter are one compare-and-swap each on the
 * semaphore's own memory, no native call ({@link SemMemory}; the layout, and how it
 * is checked before it is relied on, in {@link SemDescriptor}). The memory is looked
 * at once per handle, at its first operation. <b>Except in a young process:</b> its
 * first {@link Young#NATIVE_OPS} operations (on any semaphore) go the native way
 * on libjmp, where each is one call, because linking the Java path (making its
 * VarHandle, resolving each compare-and-swap) costs a young JVM more than many
 * native calls: a child whose target takes a Lock once before its first line never
 * pays for it. The two paths agree on every word (both are glibc's protocol), so a
 * semaphore may switch between operations.
 *
 * <p><b>Blocking: in libc.</b> An acquire that finds 0 sleeps in
 * {@link Posix#sem_acquire}, one native call per slice: {@code sem_clockwait} on
 * CLOCK_MONOTONIC for {@link Interrupts#SLICE_MILLIS} at most, going on after EINTR
 * with the same {@link Deadline}; between slices the thread looks at its interrupt
 * flag (and, for a Lock, whether the holder died). A release that finds a sleeper is
 * {@link Posix#sem_release}, whose sem_post wakes it. Where the memory cannot be used
 * (another C library), every operation is native, as CPython's: the acquire's first
 * slice is then a {@code sem_trywait}.
 *
 * <p><b>Closing.</b> When the handle becomes unreachable, its {@code sem_t *} is
 * closed in the cleaner thread ({@link dev.jmp.resource.Cleanup}); every method that
 * passes the pointer to C keeps {@code this} reachable until the call returns
 * ({@link Reference#reachabilityFence}), or the cleaner could unmap the semaphore
 * under a thread blocked on it.
 */
public final class NamedSemaphore {
    /** Linux's SEM_VALUE_MAX. */
    public static final int SEM_VALUE_MAX = Integer.MAX_VALUE;

    private static final Log LOG = new Log("dev.jmp.sync");

    /** One handle per name in this process. */
    private static final HandleTable<NamedSemaphore> HANDLES = new HandleTable<>();

    private final String name;
    private final KernelHandle<Sem> handle;
    private final OwnedName owned;     // null unless this process created the semaphore

    /**
     * SemLock's bookkeeping, CPython's {@code last_tid} and {@code count}: the thread
     * that last acquired (null once released) and how deep it holds. Per process by
     * construction (this object is), so per (process, thread). Plain fields, kept off
     * the uncontended path's cost: the acquiring thread records itself after its
     * sem_trywait/sem_clockwait succeeds, and a releasing thread clears the record
     * before its sem_post. A thread can read {@code owner == itself} only if it wrote
     * that and has not since written null (program order hides its own older writes
     * from it), so a stale read never makes a thread believe it holds a lock it
     * released. (A Lock released for it by another thread can leave that thread's view
     * stale; CPython's count has the same blind spot.)
     */
    public Thread owner;
    public int depth;

    /**
     * The semaphore's memory, looked at by {@link #memory()} at the first operation
     * ({@code looked}): {@code unchecked} holds it until the process is no longer
     * {@link Young} and the layout has been checked, then {@code fast} is the Java path
     * on it, or stays null if the memory cannot be used; {@code ownerRecord} (Locks and
     * RLocks: which process holds it) is null if the memory has no room for one.
     */
    private volatile SemMemory fast;
    private volatile java.nio.ByteBuffer unchecked;
    private volatile OwnerRecord ownerRecord;
    private volatile boolean looked;

    /** The young process's native phase (see the class comment). */
    static final class Young {
        private Young() {
        }

        static final int NATIVE_OPS = 32;

        /** Operations taken the native way so far; a count, not a guard, so not atomic. */
        private static int ops;

        /** True once the process may link the Java path; counts one native operation if not. */
        static boolean over() {
            if (ops >= NATIVE_OPS) {
                return true;
            }
            if (!Posix.libc().firstCallsCheap()) {
                ops = NATIVE_OPS;
                return true;
            }
            ops++;
            return false;
        }

        /** The Java path is linked already (a warm-up ran it): no native phase. */
        static void end() {
            ops = NATIVE_OPS;
        }

        /** The process young again (tests). */
        static void restart() {
            ops = 0;
        }
    }

    /** {@code creator}: this process has just made the semaphore (and will unlink it); either way opened at first use. */
    private NamedSemaphore(String name, boolean creator) {
        this.name = name;
        this.handle = new KernelHandle<>("semaphore", name, null, OpenClose.INSTANCE, OpenClose.INSTANCE);
        this.owned = creator ? Lifetime.hold(this, name, Unlink.INSTANCE) : null;
        HANDLES.add(this, name, handle);
    }

    /**
     * sem_open at first use, sem_close, and making a receiver's handle: named classes,
     * not lambdas, because a child's first Lock comes through here, and a young JVM's
     * first lambda costs it the bootstrap of java.lang.invoke.
     */
    private static final class OpenClose implements Function<String, Sem>, Consumer<Sem> {
        static final OpenClose INSTANCE = new OpenClose();

        /** The first use, the creator's or a receiver's: {@code sem_open(name, 0)}. */
        @Override
        public Sem apply(String name) {
            try {
                return Posix.libc().sem_open(name, 0);
            } catch (PosixException e) {
                throw KernelNames.gone(e, name);
            }
        }

        @Override
        public void accept(Sem s) {
            Posix.libc().sem_close(s);
        }
    }

    private static final class Unlink implements Consumer<String> {
        static final Unlink INSTANCE = new Unlink();

        @Override
        public void accept(String name) {
            Posix.libc().sem_unlink(name);
        }
    }

    private static final class Receiver implements Function<String, NamedSemaphore> {
        static final Receiver INSTANCE = new Receiver();

        @Override
        public NamedSemaphore apply(String name) {
            return new NamedSemaphore(name, false);
        }
    }

    /**
     * Links what a received Lock's first operation runs beyond {@link OwnerRecord#warmUp}
     * (its handle's open and close, the layout check), with no kernel object: for a
     * start-up archive's training child, so that the archive holds those classes and a
     * child whose target takes a Lock first does not read them from the jar.
     */
    public static void warmUp() {
        OwnerRecord.warmUp();
        Young.end();
        // Reading a class's static field loads, links and initializes it.
        Object[] receiverPath = {Receiver.INSTANCE, OpenClose.INSTANCE, SemDescriptor.Verdict.GLIBC};
    }

    /** Creates a semaphore with {@code value} under a fresh name, mode 0600. */
    public static NamedSemaphore create(int value) {
        Posix posix = Posix.libc();
        return KernelNames.createCounted(name -> {
            posix.sem_create(name, 0600, value);
            NamedSemaphore s;
            try {
                s = new NamedSemaphore(name, true);
            } catch (RuntimeException | Error e) {
                posix.sem_unlink(name);
                throw e;
            }
            return s;
        });
    }

    /**
     * This process's handle on {@code name}, which arrived in a message: the existing
     * one, or a new one opened at first use (a hold on the name: {@link dev.jmp.resource.Holds}).
     */
    public static NamedSemaphore attach(String name) {
        return HANDLES.attach(name, Receiver.INSTANCE);
    }

    public String name() {
        return name;
    }

    /** True in the process that created the semaphore (and will unlink it). */
    public boolean creator() {
        return owned != null;
    }

    Sem sem() {
        return handle.get();
    }

    /**
     * The Java path on this semaphore's memory, linked now if the process is still
     * {@link Young}; null if the memory cannot be used (tests).
     */
    SemMemory fastPath() {
        try {
            memory();
            return unchecked != null ? link() : fast;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * The fast path, or null for the native one: looks at the memory at the first call,
     * and checks and links the Java path once the process is no longer {@link Young}.
     */
    private SemMemory memory() {
        SemMemory m = fast;
        if (m != null) {
            return m;
        }
        if (!looked) {
            look();
        }
        return unchecked != null && Young.over() ? link() : null;
    }

    /** The memory and its owner record: once per handle. */
    private synchronized void look() {
        if (looked) {
            return;
        }
        java.nio.ByteBuffer b = Posix.libc().sem_memory(sem());
        if (ownerRecord == null) {
            ownerRecord = OwnerRecord.of(b);
        }
        unchecked = b;
        looked = true;
    }

    /**
     * Checks the memory's layout ({@link SemDescriptor#check}) and, if it is glibc's,
     * takes the Java path from now on. Undecided: the next operation checks again.
     */
    private synchronized SemMemory link() {
        java.nio.ByteBuffer b = unchecked;
        if (fast != null || b == null) {
            return fast;
        }
        Posix posix = Posix.libc();
        SemDescriptor.Verdict v = SemDescriptor.check(b, posix, sem());
        if (v == SemDescriptor.Verdict.GLIBC) {
            fast = new SemMemory(b);
        }
        if (v != SemDescriptor.Verdict.UNDECIDED) {
            unchecked = null;
        }
        return fast;
    }

    /** True once this handle's operations take the Java path (tests). */
    boolean linked() {
        return fast != null;
    }

    /** sem_trywait: true if decremented. */
    public boolean tryAcquire() {
        try {
            SemMemory m = memory();
            return m != null ? m.tryWait() : Posix.libc().sem_trywait(sem());
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Decrements, waiting until the deadline; true if decremented, false on timeout.
     * InterruptedError (flag set again) if the thread is interrupted while it waits.
     */
    public boolean acquire(Deadline deadline, String what) {
        return acquire(deadline, what, false);
    }

    /**
     * As {@link #acquire(Deadline, String)}; with {@code watchOwner} (a Lock or RLock),
     * after each slice of the wait it also looks whether the recorded holder died, and
     * if so takes the lock over and throws {@link OwnerDiedError} (the caller holds the
     * lock). Not before the first slice: a holder is usually alive and about to
     * release, and looking costs a read of its {@code /proc/PID/stat}.
     */
    public boolean acquire(Deadline deadline, String what, boolean watchOwner) {
        try {
            int r = firstTry(deadline, watchOwner);
            if (r != Posix.SLICE_ENDED) {
                return r > 0;
            }
            Posix posix = Posix.libc();
            Sem s = sem();
            long at = deadline.atNanos();
            boolean slept = false;
            while (r == Posix.SLICE_ENDED) {
                Interrupts.check(what);
                if (watchOwner && slept) {
                    takeOverFromDead();
                }
                r = posix.sem_acquire(s, at, SLICE_NANOS);
                slept = true;
            }
            return r > 0;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    private static final long SLICE_NANOS = Interrupts.SLICE_MILLIS * 1_000_000L;

    /**
     * Slice 0 of an acquire, no waiting: 1 if decremented; {@link Posix#TIMED_OUT} if
     * not and the deadline has passed; else {@link Posix#SLICE_ENDED}. A {@code lock}'s
     * value is 0 or 1 ({@link SemMemory#tryWaitFree}).
     */
    private int firstTry(Deadline deadline, boolean lock) {
        SemMemory m = memory();
        if (m == null) {
            return Posix.libc().sem_acquire(sem(), deadline.atNanos(), 0);
        }
        if (lock ? m.tryWaitFree() : m.tryWait()) {
            return 1;
        }
        return deadline.expired() ? Posix.TIMED_OUT : Posix.SLICE_ENDED;
    }

    /**
     * Decrements, waiting as long as it takes and not woken by interrupts: for
     * re-taking a Condition's lock on the way out of a wait, which must hold the lock
     * again whatever made the wait end (as java.util.concurrent's Condition does).
     */
    public void acquireUninterruptibly(boolean watchOwner) {
        try {
            Deadline never = Deadline.never();
            int r = firstTry(never, watchOwner);
            if (r != Posix.SLICE_ENDED) {
                return;
            }
            Posix posix = Posix.libc();
            Sem s = sem();
            if (!watchOwner) {
                posix.sem_wait(s);
                return;
            }
            while (posix.sem_acquire(s, never.atNanos(), SLICE_NANOS) == Posix.SLICE_ENDED) {
                takeOverFromDead();
            }
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** Records this process as the holder (Locks and RLocks): after a successful decrement. */
    public void recordOwner() {
        OwnerRecord rec = ownerRecord();
        if (rec != null) {
            rec.set();
        }
    }

    /** The record, found at the first operation; null if this lock has none (OwnerRecord says when). */
    private OwnerRecord ownerRecord() {
        OwnerRecord rec = ownerRecord;
        if (rec == null && !looked) {
            look();
            rec = ownerRecord;
        }
        return rec;
    }

    /**
     * Clears the holder record: before the post that releases a Lock or RLock. Looks
     * for the record if this process never acquired the lock (a Lock may be released
     * by any process): a record left naming a holder that later dies, on a lock that is
     * free, could let a waiter take over a lock that a new holder has just decremented.
     */
    public void clearOwner() {
        OwnerRecord rec = ownerRecord();
        if (rec != null) {
            rec.clear();
        }
    }

    /** Throws OwnerDiedError, this process now holding the lock, if the recorded holder died. */
    private void takeOverFromDead() {
        OwnerRecord rec = ownerRecord();
        if (rec == null) {
            return;
        }
        int dead = rec.takeOverFromDead();
        if (dead != 0) {
            LOG.log(System.Logger.Level.WARNING, "process {0} died holding {1}; taken over", String.valueOf(dead), name);
            throw new OwnerDiedError(dead);
        }
    }

    /** sem_post; EOVERFLOW (past SEM_VALUE_MAX) as IllegalStateException, as CPython's ValueError. */
    public void release() {
        release(SEM_VALUE_MAX);
    }

    /**
     * SemLock's release: false, and nothing posted, if the value is already
     * {@code maxvalue} (released too many times); else a post and true. EOVERFLOW as
     * {@link #release()}. On the fast path the check and the increment are one
     * compare-and-swap, so two racing releases of a Lock cannot both succeed; on the
     * native path (as in CPython) they can.
     */
    public boolean release(int maxvalue) {
        return release(maxvalue, false);
    }

    /**
     * {@link #release(int)} by the holder of a Lock or RLock, whose value is 0 or 1
     * ({@link SemMemory#postHeld}).
     */
    public boolean releaseLock(int maxvalue) {
        return release(maxvalue, true);
    }

    private boolean release(int maxvalue, boolean lock) {
        try {
            SemMemory m = memory();
            if (m != null) {
                int r = lock ? m.postHeld(maxvalue) : m.post(maxvalue);
                if (r != SemMemory.NATIVE) {
                    return r == SemMemory.POSTED;
                }
            }
            return Posix.libc().sem_release(sem(), maxvalue);
        } catch (PosixException e) {
            if (e.errno() == Linux.EOVERFLOW) {
                throw new IllegalStateException("semaphore or lock released too many times", e);
            }
            throw e;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** sem_getvalue. */
    public int value() {
        try {
            SemMemory m = memory();
            return m != null ? m.value() : Posix.libc().sem_getvalue(sem());
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Unlinks the name now if this process created it (tests; normally the Lifetime does
     * it), opening it first: this object goes on working without its name.
     */
    public boolean unlink() {
        if (owned == null || owned.unlinked()) {
            return false;
        }
        sem();
        return owned.unlink();
    }

    @Override
    public String toString() {
        return name;
    }
}
