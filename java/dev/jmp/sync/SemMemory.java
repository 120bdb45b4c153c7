package dev.jmp.sync;

import static dev.jmp.sync.SemDescriptor.DATA_OFFSET;
import static dev.jmp.sync.SemDescriptor.Words.LONG;

import java.nio.ByteBuffer;

/**
 * The uncontended half of a named semaphore, done in Java on the {@code sem_t}'s own
 * memory exactly as glibc does it in C: a wait that finds the value above 0 is one
 * compare-and-swap that decrements it, and a post that finds no sleeping waiter is one
 * compare-and-swap that increments it. Neither crosses into native code. What needs
 * the kernel (sleeping until a post, waking a sleeper) stays with libc: a wait that
 * finds 0 and a post that finds a waiter go the native way ({@link NamedSemaphore}),
 * and since both sides change the one 64-bit word ({@link SemDescriptor}) with
 * compare-and-swap, a Java post and a C wait (or the other way round) can interleave
 * in any order: each swap either applies to the word the other left, or fails and
 * looks again.
 *
 * <p>Why a Java post may skip the wake-up: it increments only a word whose waiter
 * count is 0, in the same swap. A thread of any process that is about to sleep first
 * adds itself to that count (glibc's sem_wait slow path) and then looks at the value
 * again before it sleeps, so it either sees this post's increment or makes the swap
 * fail and the post go native, where sem_post wakes it.
 *
 * <p><b>Memory ordering</b> (glibc's): the decrement that takes the semaphore has
 * acquire semantics and the increment that gives it back has release semantics, so
 * whatever a holder wrote before its release (the data a Lock guards, the cleared
 * owner record) is visible to the thread of any process whose acquire takes the
 * value that release added, whether either side ran in Java or in C. The first read
 * before each swap is opaque (glibc's relaxed load): the swap validates it.
 *
 * <p>Only for memory {@link SemDescriptor#check} accepted; valid while the semaphore
 * is open (the caller keeps its {@link NamedSemaphore} reachable).
 */
final class SemMemory {
    /** {@link #post}: incremented. */
    static final int POSTED = 0;
    /** {@link #post}: the value is already at the maximum (released too many times); nothing changed. */
    static final int FULL = 1;
    /** {@link #post}: a waiter sleeps (or the value is at SEM_VALUE_MAX): only libc's sem_post may do it. */
    static final int NATIVE = 2;

    private final ByteBuffer memory;

    SemMemory(ByteBuffer memory) {
        this.memory = memory;
    }

    /** glibc's {@code __new_sem_wait_fast}: true if it took one, false if the value is 0. */
    boolean tryWait() {
        return tryWait((long) LONG.getOpaque(memory, DATA_OFFSET));
    }

    /**
     * {@link #tryWait()} for a lock, whose word is usually 1 with nobody waiting when it
     * is taken: the swap from that word comes first, without a read before it; any other
     * word it finds goes the general way.
     */
    boolean tryWaitFree() {
        long seen = (long) LONG.compareAndExchangeAcquire(memory, DATA_OFFSET, 1L, 0L);
        return seen == 1L || tryWait(seen);
    }

    private boolean tryWait(long d) {
        while (SemDescriptor.value(d) > 0) {
            long seen = (long) LONG.compareAndExchangeAcquire(memory, DATA_OFFSET, d, d - 1);
            if (seen == d) {
                return true;
            }
            d = seen;
        }
        return false;
    }

    /**
     * glibc's {@code sem_post} when nobody sleeps, with SemLock's "released too many
     * times" check in the same swap: {@link #FULL} if the value is already
     * {@code maxvalue} (unless that is SEM_VALUE_MAX, whose EOVERFLOW libc reports),
     * {@link #NATIVE} if a waiter must be woken, else {@link #POSTED}.
     */
    int post(int maxvalue) {
        return post(maxvalue, (long) LONG.getOpaque(memory, DATA_OFFSET));
    }

    /**
     * {@link #post} for a lock its holder releases, whose word is usually 0 with nobody
     * waiting: the swap from that word comes first, without a read before it.
     */
    int postHeld(int maxvalue) {
        if (maxvalue > 0) {
            long seen = (long) LONG.compareAndExchangeRelease(memory, DATA_OFFSET, 0L, 1L);
            return seen == 0L ? POSTED : post(maxvalue, seen);
        }
        return post(maxvalue);
    }

    private int post(int maxvalue, long d) {
        while (true) {
            if (SemDescriptor.value(d) >= maxvalue) {
                return maxvalue == NamedSemaphore.SEM_VALUE_MAX ? NATIVE : FULL;
            }
            if (SemDescriptor.waiters(d) != 0) {
                return NATIVE;
            }
            long seen = (long) LONG.compareAndExchangeRelease(memory, DATA_OFFSET, d, d + 1);
            if (seen == d) {
                return POSTED;
            }
            d = seen;
        }
    }

    /** How many threads (of any process) sleep in the kernel on it (tests). */
    long sleepers() {
        return SemDescriptor.waiters((long) LONG.getAcquire(memory, DATA_OFFSET));
    }

    /** glibc's {@code sem_getvalue}: the value (0 while threads sleep on it). */
    int value() {
        return SemDescriptor.value((long) LONG.getAcquire(memory, DATA_OFFSET));
    }
}
