package dev.jmp;

import dev.jmp.blocking.Deadline;
import dev.jmp.blocking.Interrupts;
import dev.jmp.sync.SleeperTable;
import java.io.Serializable;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * A condition variable shared by processes: Python's
 * {@code multiprocessing.Condition}, composed as CPython composes it: a lock (a new
 * {@link RLock} by default) and three semaphores. {@code sleepingCount} counts the
 * threads that went to sleep, {@code wokenCount} the ones that woke (by signal or
 * timeout), and {@code waitSemaphore} is what sleepers sleep on. The counting needs
 * no shared memory: a signaller pairs each woken with a sleeper to forget the ones
 * that timed out, then posts one wake-up per remaining sleeper (up to n) and waits
 * until that many have woken, so a wake-up never goes to a thread that starts
 * waiting later.
 *
 * <p><b>A sleeper that dies</b> (beyond Python). A sleeper's process killed inside
 * {@link #await} never says it woke, and CPython's signaller then waits for it
 * forever. Here each sleeper also records its process, for as long as it sleeps, in
 * a table in shared memory ({@link SleeperTable}, one page per Condition), and a
 * signaller whose wait for the woken brought nothing for a slice
 * ({@link Interrupts#SLICE_MILLIS}) looks there: each sleeper whose process died is
 * counted as woken on its behalf, as if it had timed out (a WARNING is logged by
 * {@code dev.jmp.sync}). So {@link #signal()} and {@link #signalAll()} return, and
 * with them Event's {@code set()}, Barrier's release and JoinableQueue's
 * {@code taskDone()}. As a sleeper that times out during a {@code signal(n)} may take
 * one of its n wake-ups, a dead sleeper found during one may take one too. Not
 * covered: a sleeper killed in the instants between counting itself asleep and
 * recording itself, or between erasing its record and counting itself woken; and a
 * thread that finds the table full ({@link SleeperTable} has the details), which
 * sleeps with CPython's semantics.
 *
 * <p>Java names: {@code wait} is {@link #await()}, {@code wait_for} is
 * {@link #awaitFor}, {@code notify} is {@link #signal()}, {@code notify_all} is
 * {@link #signalAll()}. Waiting or signalling without holding the lock throws
 * IllegalMonitorStateException.
 */
public class Condition implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The lock a waiter releases and re-takes. */
    private final SemLock lock;
    /** Threads that went to sleep. */
    private final Semaphore sleepingCount;
    /** Threads that woke, by signal or timeout. */
    private final Semaphore wokenCount;
    /** What sleepers sleep on. */
    private final Semaphore waitSemaphore;
    /** Which processes sleep now: what lets a signaller count a dead one as woken. */
    private final SleeperTable sleeperTable;
    /** Whether a dead holder's lock is taken over without OwnerDiedError (see the constructor). */
    private final boolean takeOverQuietly;

    /** A condition over a new RLock: Python's {@code Condition()}. */
    public Condition() {
        this(null);
    }

    /**
     * Python's {@code Condition(lock)}.
     *
     * @param lock the lock waiters release and re-take (null: a new RLock)
     */
    public Condition(SemLock lock) {
        this(lock, false);
    }

    /**
     * For the objects jmp builds on a Condition (Event, Barrier, JoinableQueue), which
     * hold its lock only inside their own methods: {@code takeOverQuietly} makes
     * {@link #acquire()} and {@link #await} take a dead holder's lock over without an
     * {@link OwnerDiedError} (the take-over is logged), so that their finally blocks
     * release it; what those objects guard lives in semaphores and shared ints.
     */
    Condition(SemLock lock, boolean takeOverQuietly) {
        this.takeOverQuietly = takeOverQuietly;
        this.lock = lock != null ? lock : new RLock();
        this.sleepingCount = new Semaphore(0);
        this.wokenCount = new Semaphore(0);
        this.waitSemaphore = new Semaphore(0);
        this.sleeperTable = SleeperTable.create();
    }

    /** Acquires the lock, waiting: Python's {@code acquire()}. */
    public void acquire() {
        try {
            lock.acquire();
        } catch (OwnerDiedError e) {
            if (!takeOverQuietly) {
                throw e;
            }
        }
    }

    /**
     * Acquires the lock: Python's {@code acquire(block)}.
     *
     * @param block true: wait until acquired; false: one try
     * @return true if acquired
     */
    public boolean acquire(boolean block) {
        return lock.acquire(block);
    }

    /**
     * Acquires the lock: Python's {@code acquire(timeout=t)}.
     *
     * @param timeout the longest wait (null: forever)
     * @return true if acquired
     */
    public boolean acquire(Duration timeout) {
        return lock.acquire(timeout);
    }

    /** Releases the lock: Python's {@code release()}. */
    public void release() {
        lock.release();
    }

    /** Releases the lock, waits for a signal, re-acquires the lock: Python's {@code wait()}. */
    public void await() {
        await(null);
    }

    /**
     * Releases the lock, waits for a signal or the timeout, and re-acquires the lock
     * before it returns or throws, whatever ended the wait: Python's {@code wait(timeout)}.
     *
     * @param timeout the longest wait (null: none)
     * @return false if the timeout passed
     * @throws IllegalMonitorStateException if this thread does not hold the lock
     */
    public boolean await(Duration timeout) {
        if (!lock.isMine()) {
            throw new IllegalMonitorStateException("must acquire() condition before using await()");
        }
        Deadline deadline = Deadline.after(timeout);
        sleeperTable.map();     // a receiver's first wait: may fail, before anything is counted
        // Tell signallers a thread is about to sleep, and which process it is in, then
        // let go of the lock however deep this thread holds it (an RLock may be held
        // several times).
        sleepingCount.release();
        int slot = sleeperTable.claim();
        int count = lock.count();
        for (int i = 0; i < count; i++) {
            lock.release();
        }
        try {
            return waitSemaphore.acquire(deadline);
        } finally {
            // Counted as woken whether signalled, timed out or interrupted, so that the
            // next signaller can tell sleepers from leavers; the record goes first, or a
            // signaller could count this thread twice if it died in between.
            sleeperTable.free(slot);
            wokenCount.release();
            // Uninterruptibly: the caller's finally-release must find the lock held,
            // also when an InterruptedError is on its way out.
            OwnerDiedError died = null;
            for (int i = 0; i < count; i++) {
                try {
                    lock.acquireUninterruptibly();
                } catch (OwnerDiedError e) {
                    died = e;      // held once now; the rest of the loop restores the depth
                }
            }
            if (died != null && !takeOverQuietly) {
                throw died;
            }
        }
    }

    /**
     * Waits until {@code predicate} is true: Python's {@code wait_for(predicate)}.
     *
     * @param predicate looked at under the lock, after every wake-up
     * @return its last value (true)
     */
    public boolean awaitFor(BooleanSupplier predicate) {
        return awaitFor(predicate, null);
    }

    /**
     * Waits until {@code predicate} is true or the timeout passes, looking at it after
     * every wake-up: Python's {@code wait_for(predicate, timeout)}. The lock must be held.
     *
     * @param predicate looked at under the lock
     * @param timeout the longest wait (null: none)
     * @return its last value
     */
    public boolean awaitFor(BooleanSupplier predicate, Duration timeout) {
        boolean result = predicate.getAsBoolean();
        if (result) {
            return true;
        }
        Deadline deadline = Deadline.after(timeout);
        while (!result) {
            if (!deadline.isNever() && deadline.expired()) {
                break;
            }
            await(deadline.isNever() ? null : Duration.ofNanos(deadline.remainingNanos()));
            result = predicate.getAsBoolean();
        }
        return result;
    }

    /** Wakes one waiter, if any: Python's {@code notify()}. */
    public void signal() {
        signal(1);
    }

    /**
     * Wakes up to {@code n} waiters and returns once they have woken: Python's
     * {@code notify(n)}.
     *
     * @param n how many waiters at most
     * @throws IllegalMonitorStateException if this thread does not hold the lock
     */
    public void signal(int n) {
        if (!lock.isMine()) {
            throw new IllegalMonitorStateException("lock is not owned");
        }
        // (CPython asserts here that no wake-up is left over. One can be, after a
        // signaller was interrupted below: it is left for its sleeper, who may not have
        // taken it yet, and is drained at the end of this call if nobody does.)
        // Forget the sleepers that already left (timed out or were interrupted) since
        // the last signal: each woken count pairs with one sleeping count.
        while (wokenCount.acquire(false)) {
            sleepingCount.acquire(false);
        }
        int sleepers = 0;
        while (sleepers < n && sleepingCount.acquire(false)) {
            waitSemaphore.release();        // wake up one sleeper
            sleepers++;
        }
        if (sleepers > 0) {
            int woken = 0;
            try {
                while (woken < sleepers) {
                    if (wokenCount.acquire(Deadline.after(SLICE))) {
                        woken++;
                    } else {
                        postForDeadSleepers();
                    }
                }
            } catch (RuntimeException e) {
                // Interrupted (or the table could not be mapped in this process): the
                // sleepers not yet counted will still post wokenCount when they wake;
                // give each of them back a sleeping count, so that the next signaller pairs
                // those late posts off instead of taking them for its own sleepers.
                for (int i = woken; i < sleepers; i++) {
                    sleepingCount.release();
                }
                throw e;
            }
            // Take back the wake-ups of sleepers that timed out just before we posted.
            while (waitSemaphore.acquire(false)) {
                // drained
            }
        }
    }

    private static final Duration SLICE = Duration.ofMillis(Interrupts.SLICE_MILLIS);

    /**
     * Counts as woken each sleeper whose process died in its wait, as its own way out
     * would have: if this signaller took its sleeping count, the post ends the wait for
     * it (its unused wake-up is taken back after the wait); if not, the next signal
     * pairs the post off as it does a timed-out sleeper's.
     */
    private void postForDeadSleepers() {
        for (int dead = sleeperTable.reapDead(); dead > 0; dead--) {
            wokenCount.release();
        }
    }

    /** Wakes every waiter: Python's {@code notify_all()}. */
    public void signalAll() {
        signal(Integer.MAX_VALUE);
    }

    /** Threads whose process is recorded asleep now (tests: a child sleeps once it is). */
    int recordedSleepers() {
        return sleeperTable.recorded();
    }

    /** Threads sleeping now (an estimate, as Python's repr shows it). */
    int waiters() {
        return sleepingCount.value() - wokenCount.value();
    }

    /** As Python's repr: {@code <Condition(<RLock(None, 0)>, 0)>}. */
    @Override
    public String toString() {
        String n;
        try {
            n = Integer.toString(waiters());
        } catch (RuntimeException e) {
            n = "unknown";
        }
        return "<Condition(" + lock + ", " + n + ")>";
    }
}
