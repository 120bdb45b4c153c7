package dev.jmp.sync;

import dev.jmp.posix.Posix;
import dev.jmp.posix.Sem;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The layout of a named semaphore's memory, {@code /dev/shm/sem.NAME}: glibc's
 * {@code sem_t} and, in its spare bytes, jmp's owner record. Every process of the
 * semaphore maps the same bytes (glibc's {@code sem_open} maps the file; jmp reads
 * them through {@link dev.jmp.posix.Posix#sem_memory}, a view of that mapping).
 *
 * <pre>
 *   0                               8               12              16              24              32
 *   +-------------------------------+---------------+---------------+---------------+---------------+
 *   |             data              |    private    |      pad      |   (unused)    | owner record  |
 *   +-------------------------------+---------------+---------------+---------------+---------------+
 *   data     (uint64, native order): bits 0..31 the value, bits 32..63 nwaiters, the
 *            number of threads (any process) in sem_wait/sem_clockwait's sleep; the
 *            futex those sleep on is the value's 32-bit word (offset 0 little-endian)
 *   private  (int32): FUTEX_SHARED (128) for a semaphore made by sem_open
 *   pad      (int32): 0
 *   owner record (int64): see {@link OwnerRecord}
 * </pre>
 *
 * That is glibc's {@code struct new_sem} on 64-bit targets (2.21 and later), whose
 * {@code sizeof(sem_t)} is 32 bytes of which it uses the first 16. glibc keeps the
 * value and the waiter count in one word so that a post that finds no waiter, and a
 * wait that finds the value above 0, are a single compare-and-swap with no system
 * call; {@link SemMemory} does those two in Java, as glibc does them.
 *
 * <p><b>Checked, never assumed.</b> Another C library (musl: also 32 bytes, another
 * protocol) or another glibc could lay the bytes out otherwise, and a wrong guess
 * would corrupt a lock shared with C and CPython processes. So {@link #check} accepts
 * a semaphore only if its buffer is 32 bytes, {@code private} is FUTEX_SHARED and
 * {@code pad} is 0, and, once per process (the layout is the C library's, the same
 * for every semaphore), only if the value Java reads in {@code data} agrees with the
 * C library's own {@code sem_getvalue}. Anything else keeps the native path, which
 * is always right: every operation then goes through libc as before.
 */
final class SemDescriptor {
    private SemDescriptor() {
    }

    static final int SIZE = 32;
    static final int DATA_OFFSET = 0;
    static final int PRIVATE_OFFSET = 8;
    static final int PAD_OFFSET = 12;
    static final int OWNER_OFFSET = 24;

    static final long VALUE_MASK = 0xffff_ffffL;
    static final int NWAITERS_SHIFT = 32;
    /** glibc's FUTEX_SHARED (the kernel's FUTEX_PRIVATE_FLAG), which sem_open stores in {@code private}. */
    static final int FUTEX_SHARED = 128;

    /**
     * The native-order 64-bit view of a direct buffer (8-byte aligned offsets: CAS
     * allowed), for the words' atomic operations. In a holder class: making a VarHandle
     * and linking its first uses is most of what a young JVM's first Lock costs, so
     * only the compare-and-swap paths ({@link SemMemory}, a take-over) make it, and a
     * process that takes its locks only a few times never does ({@link NamedSemaphore}).
     */
    static final class Words {
        private Words() {
        }

        static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    }

    static int value(long data) {
        return (int) (data & VALUE_MASK);
    }

    static long waiters(long data) {
        return data >>> NWAITERS_SHIFT;
    }

    /** The C library's layout for this process: unknown until the first check decides. */
    private static final int UNKNOWN = 0;
    private static final int GLIBC = 1;
    private static final int OTHER = 2;
    private static volatile int layout = UNKNOWN;

    /** How many (read, sem_getvalue, read) rounds a check tries while other processes keep changing the value. */
    private static final int ROUNDS = 64;

    /** What {@link #check} found. */
    enum Verdict {
        /** glibc's layout: the Java fast path may be used. */
        GLIBC,
        /** Not glibc's layout: the native path only. */
        OTHER,
        /**
         * This process has not decided yet, and this semaphore's value kept moving while
         * it tried: the native path for now, and another look later.
         */
        UNDECIDED,
    }

    /**
     * Whether {@code memory} (the {@code sem_t} of {@code sem}, or null) has glibc's
     * layout. {@code posix.sem_getvalue(sem)} is asked only until this process has
     * decided, which it does from the first semaphore whose value stands still for one
     * round.
     */
    static Verdict check(ByteBuffer memory, Posix posix, Sem sem) {
        if (!shaped(memory)) {
            return Verdict.OTHER;
        }
        int known = layout;
        if (known == UNKNOWN) {
            known = decide(memory, posix, sem);
        }
        return known == GLIBC ? Verdict.GLIBC : known == OTHER ? Verdict.OTHER : Verdict.UNDECIDED;
    }

    /**
     * The first half of {@link #check}: the buffer's size and order, {@code private} and
     * {@code pad}. Plain reads: sem_open writes both before it links the file in, and
     * nothing writes them after.
     */
    static boolean shaped(ByteBuffer memory) {
        return memory != null && memory.isDirect() && memory.capacity() == SIZE && memory.order() == ByteOrder.nativeOrder()
                && memory.getInt(PRIVATE_OFFSET) == FUTEX_SHARED
                && memory.getInt(PAD_OFFSET) == 0;
    }

    /**
     * {@code data}, read between two full fences (as a volatile read orders it): an
     * aligned 8-byte load, single-copy atomic on the 64-bit targets glibc's layout is
     * for, which no VarHandle needs to link.
     */
    static long data(ByteBuffer memory) {
        VarHandle.fullFence();
        long d = memory.getLong(DATA_OFFSET);
        VarHandle.fullFence();
        return d;
    }

    /**
     * Reads {@code data} from Java, asks libc for the value, reads again: a round in
     * which the two reads agree compares Java's idea of the layout with libc's. A word
     * that moved between them (another process acquiring or releasing) says nothing:
     * another round. One agreeing round decides for glibc; it takes three disagreeing
     * ones to decide against (one could be a value that moved and moved back).
     */
    private static int decide(ByteBuffer memory, Posix posix, Sem sem) {
        int disagreed = 0;
        for (int i = 0; i < ROUNDS && disagreed < 3; i++) {
            long before = data(memory);
            int libc = posix.sem_getvalue(sem);
            long after = data(memory);
            if (before != after) {
                continue;
            }
            if (value(before) == libc && libc >= 0) {
                layout = GLIBC;
                return GLIBC;
            }
            disagreed++;
        }
        if (disagreed < 3) {
            return UNKNOWN;
        }
        layout = OTHER;
        System.getLogger("dev.jmp.sync").log(System.Logger.Level.INFO,
                "jmp: this C library's sem_t is not laid out as glibc's; semaphores use the native path only");
        return OTHER;
    }

    /** Forgets the process's verdict (tests). */
    static void forgetLayout() {
        layout = UNKNOWN;
    }
}
