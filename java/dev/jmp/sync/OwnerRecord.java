package dev.jmp.sync;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Which process holds a Lock or RLock, in memory every process of the lock sees: what
 * lets a waiter notice that the holder died and take the lock over (a robust mutex).
 *
 * <h2>Where: the spare bytes of the semaphore's own file</h2>
 * glibc's {@code sem_open} keeps a semaphore in {@code /dev/shm/sem.NAME}, a file of
 * {@code sizeof(sem_t)} bytes that every opener maps; on 64-bit Linux that is 32
 * bytes of which glibc uses the first 16 (musl fewer). The record is the last 8:
 * <pre>
 *   0               16              24              32
 *   +---------------+---------------+---------------+
 *   | glibc's sem   |   (unused)    | owner record  |
 *   +---------------+---------------+---------------+
 *   owner record (a native-order long): 0 = nobody recorded, else
 *     bits 0..21  the holder's pid (pid_max is at most 2^22)
 *     bits 22..62 the holder's start time, field 22 of /proc/PID/stat (clock ticks)
 * </pre>
 * So a lock costs no second kernel object, and creating one costs nothing more. The
 * file is mapped (plain Java, {@link FileChannel#map}) by each process at its first
 * acquire of the lock, once. A file of another size (another libc) gets no record:
 * that lock keeps CPython's semantics.
 *
 * <h2>Protocol and memory ordering</h2>
 * The holder writes its record (release store) after its sem_trywait/sem_clockwait
 * succeeded and clears it (release store) before its sem_post; the semaphore's own
 * atomics order these with the value. A waiter, between the slices of its wait,
 * reads the record (acquire load); if the process it names is gone, a zombie, or
 * another process under a reused pid (its start time differs), the waiter swaps the
 * record for its own with compareAndSet: of all waiters exactly one wins, and the
 * semaphore's value does not change (the lock stays held, now by the winner). A
 * holder that dies between its decrement and its record write, or between clearing
 * and posting, leaves no record: that lock stays stuck as in CPython.
 */
public final class OwnerRecord {
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final int SEM_FILE_SIZE = 32;
    private static final int OFFSET = 24;
    private static final int PID_BITS = 22;

    private static volatile long self;  // this process's record, computed once

    private final ByteBuffer buffer;

    private OwnerRecord(ByteBuffer buffer) {
        this.buffer = buffer;
    }

    /** The record of the semaphore {@code name} ("/jmp..."); null if it has none (see the class comment). */
    static OwnerRecord map(String name) {
        Path file = Path.of("/dev/shm/sem." + name.substring(1));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (ch.size() != SEM_FILE_SIZE) {
                return null;
            }
            return new OwnerRecord(ch.map(FileChannel.MapMode.READ_WRITE, 0, SEM_FILE_SIZE).order(ByteOrder.nativeOrder()));
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /** Records this process as the holder: after the semaphore was decremented. */
    void set() {
        LONG.setRelease(buffer, OFFSET, self());
    }

    /** Clears the record: before the semaphore is posted. */
    void clear() {
        LONG.setRelease(buffer, OFFSET, 0L);
    }

    /**
     * If the recorded holder is dead, makes this process the holder and returns the
     * dead pid (the caller now holds the lock); else 0.
     */
    int takeOverFromDead() {
        long r = (long) LONG.getAcquire(buffer, OFFSET);
        if (r == 0 || r == self() || !dead(r)) {
            return 0;
        }
        return LONG.compareAndSet(buffer, OFFSET, r, self()) ? pid(r) : 0;
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
        String[] f = fieldsAfterName(stat);
        if (f == null) {
            return false;
        }
        // f[0] is field 3 (state); field 22 (starttime) is f[19].
        return f[0].equals("Z") || f[0].equals("X") || Long.parseLong(f[19]) != startTime(record);
    }

    /** The fields after "pid (comm)": comm may hold spaces and parentheses, so split after the last ')'. */
    private static String[] fieldsAfterName(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return null;
        }
        String[] f = stat.substring(close + 1).trim().split(" ");
        return f.length > 19 ? f : null;
    }

    /** A proc file reports size 0: read it as lines, not by its size. */
    private static String readLine(Path p) throws IOException {
        java.util.List<String> lines = Files.readAllLines(p);
        return lines.isEmpty() ? "" : lines.get(0);
    }

    private static long self() {
        long s = self;
        if (s == 0) {
            long pid = ProcessHandle.current().pid();
            String[] f;
            try {
                f = fieldsAfterName(readLine(Path.of("/proc/self/stat")));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read /proc/self/stat", e);
            }
            s = pack(pid, Long.parseLong(f[19]));
            self = s;
        }
        return s;
    }

    /**
     * Runs {@code set}, {@code takeOverFromDead} and {@code clear} once on a record in
     * ordinary memory (a direct buffer: atomic access to a heap buffer is refused):
     * links what a process's first Lock acquire and release link (the VarHandle's access
     * modes), so that a start-up archive's training child and an idle warm child hold
     * it. No kernel object.
     */
    public static void warmUp() {
        OwnerRecord r = new OwnerRecord(ByteBuffer.allocateDirect(SEM_FILE_SIZE).order(ByteOrder.nativeOrder()));
        r.set();
        r.takeOverFromDead();
        r.clear();
    }

    /** This process's record (tests). */
    static long selfRecord() {
        return self();
    }
}
