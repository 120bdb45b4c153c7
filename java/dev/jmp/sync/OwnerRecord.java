package dev.jmp.sync;

import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Which process holds a Lock or RLock, in memory every process of the lock sees: what
 * lets a waiter notice that the holder died and take the lock over (a robust mutex).
 *
 * <h2>Where: the spare bytes of the semaphore's own memory</h2>
 * The last 8 of the 32 bytes of {@code sem_t} that glibc leaves unused
 * ({@link SemDescriptor} has the whole layout): a native-order long, 0 = nobody
 * recorded, else
 * <pre>
 *     bits 0..21  the holder's pid (pid_max is at most 2^22)
 *     bits 22..62 the holder's start time, field 22 of /proc/PID/stat (clock ticks)
 * </pre>
 * So a lock costs no second kernel object, and creating one costs nothing more. Each
 * process reaches it through its view of the semaphore ({@link dev.jmp.posix.Posix#sem_memory}),
 * no mapping of its own. A {@code sem_t} of another size (another libc) gets no
 * record: that lock keeps CPython's semantics.
 *
 * <h2>Protocol and memory ordering</h2>
 * The holder writes its record (release store) after its decrement succeeded and
 * clears it (release store) before its post; the semaphore's own atomics order these
 * with the value ({@link SemMemory}). A waiter, between the slices of its wait,
 * reads the record (acquire load); if the process it names is gone, a zombie, or
 * another process under a reused pid (its start time differs), the waiter swaps the
 * record for its own with compareAndSet: of all waiters exactly one wins, and the
 * semaphore's value does not change (the lock stays held, now by the winner). A
 * holder that dies between its decrement and its record write, or between clearing
 * and posting, leaves no record: that lock stays stuck as in CPython.
 */
public final class OwnerRecord {
    private static final int OFFSET = SemDescriptor.OWNER_OFFSET;
    private static final int PID_BITS = 22;

    private static volatile long self;  // this process's record, computed once

    private final ByteBuffer buffer;

    /** The record in {@code sem} (a semaphore's {@code sem_t}); null if it has none (see the class comment). */
    static OwnerRecord of(ByteBuffer sem) {
        return sem != null && sem.isDirect() && sem.capacity() == SemDescriptor.SIZE ? new OwnerRecord(sem) : null;
    }

    private OwnerRecord(ByteBuffer buffer) {
        this.buffer = buffer;
    }

    /**
     * Records this process as the holder: after the semaphore was decremented. A
     * release store (a release fence, then an aligned 8-byte store, single-copy atomic
     * on 64-bit targets): no VarHandle to link on a process's first Lock.
     */
    void set() {
        long s = self();
        VarHandle.releaseFence();
        buffer.putLong(OFFSET, s);
    }

    /** Clears the record: before the semaphore is posted. A release store, as {@link #set}. */
    void clear() {
        VarHandle.releaseFence();
        buffer.putLong(OFFSET, 0L);
    }

    /**
     * If the recorded holder is dead, makes this process the holder and returns the
     * dead pid (the caller now holds the lock); else 0.
     */
    int takeOverFromDead() {
        VarHandle word = SemDescriptor.Words.LONG;
        long r = (long) word.getAcquire(buffer, OFFSET);
        if (r == 0 || r == self() || !dead(r)) {
            return 0;
        }
        return word.compareAndSet(buffer, OFFSET, r, self()) ? pid(r) : 0;
    }

    static long pack(long pid, long startTime) {
        return startTime << PID_BITS | pid;
    }

    static int pid(long record) {
        return (int) (record & ((1L << PID_BITS) - 1));
    }

    static long startTime(long record) {
        return record >>> PID_BITS;
    }

    /**
     * True if the process of {@code record} no longer runs: no such pid, a zombie (a
     * SIGKILLed child its parent has not reaped yet), or a pid reused by a process
     * that started at another time.
     */
    static boolean dead(long record) {
        String stat;
        try {
            stat = readLine(Path.of("/proc/" + pid(record) + "/stat"));
        } catch (NoSuchFileException e) {
            return true;
        } catch (IOException e) {
            return false;      // cannot tell: never take a lock from a live holder
        }
        String[] f = dev.jmp.resource.ProcStat.fieldsAfterName(stat);
        if (f == null) {
            return false;
        }
        // f[0] is field 3 (state); field 22 (starttime) is f[19].
        return f[0].equals("Z") || f[0].equals("X") || Long.parseLong(f[dev.jmp.resource.ProcStat.START_TIME]) != startTime(record);
    }

    /** The fields after "pid (comm)": comm may hold spaces and parentheses, so split after the last ')'. */
    /** A proc file reports size 0: read it as lines, not by its size. */
    private static String readLine(Path p) throws IOException {
        java.util.List<String> lines = Files.readAllLines(p);
        return lines.isEmpty() ? "" : lines.get(0);
    }

    /** This process's pid and start time ({@link dev.jmp.resource.ProcStat}: one read, no ProcessHandle). */
    private static long self() {
        long s = self;
        if (s == 0) {
            s = pack(dev.jmp.resource.ProcStat.selfPid(), dev.jmp.resource.ProcStat.selfStartTime());
            self = s;
        }
        return s;
    }

    /**
     * Links what a process's first Lock acquire and release run: this record's and
     * {@link SemMemory}'s access modes (their VarHandles) and this process's own record,
     * on a {@code sem_t}-shaped direct buffer in ordinary memory (no kernel object), so
     * that a start-up archive's training child and an idle warm child have done it.
     */
    public static void warmUp() {
        ByteBuffer b = ByteBuffer.allocateDirect(SemDescriptor.SIZE).order(java.nio.ByteOrder.nativeOrder());
        b.putLong(SemDescriptor.DATA_OFFSET, 1);
        b.putInt(SemDescriptor.PRIVATE_OFFSET, SemDescriptor.FUTEX_SHARED);
        SemMemory m = new SemMemory(b);
        OwnerRecord r = new OwnerRecord(b);
        if (!SemDescriptor.shaped(b) || SemDescriptor.data(b) != 1) {
            throw new IllegalStateException("the warm-up's sem_t is not as it was written");
        }
        m.tryWaitFree();
        r.set();
        r.takeOverFromDead();
        r.clear();
        m.postHeld(1);
        m.tryWait();
        m.post(1);
        m.value();
    }

    /** This process's record (SleeperTable, tests). */
    static long selfRecord() {
        return self();
    }
}
