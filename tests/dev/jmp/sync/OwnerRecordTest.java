package dev.jmp.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.OwnerDiedError;
import dev.jmp.blocking.Deadline;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The owner record and its liveness test, in one process: a holder faked by writing the record. */
class OwnerRecordTest {
    private static final long SELF = OwnerRecord.selfRecord();
    private static final int PID = OwnerRecord.pid(SELF);
    private static final long START = OwnerRecord.startTime(SELF);

    @Test
    void packsPidAndStartTime() {
        assertEquals(ProcessHandle.current().pid(), PID);
        long r = OwnerRecord.pack(4_194_303, 1L << 40);
        assertEquals(4_194_303, OwnerRecord.pid(r));
        assertEquals(1L << 40, OwnerRecord.startTime(r));
    }

    @Test
    void aReusedPidIsNotTheHolder() {
        assertFalse(OwnerRecord.dead(SELF), "this process is alive");
        assertTrue(OwnerRecord.dead(OwnerRecord.pack(PID, START + 1)), "same pid, another start time: another process");
        long parent = ProcessHandle.current().parent().orElseThrow().pid();
        assertFalse(OwnerRecord.dead(OwnerRecord.pack(parent, startTimeOf(parent))));
        assertTrue(OwnerRecord.dead(OwnerRecord.pack(parent, startTimeOf(parent) - 1)));
    }

    private static long startTimeOf(long pid) {
        try {
            String stat = java.nio.file.Files.readAllLines(Path.of("/proc/" + pid + "/stat")).get(0);
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[19]);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Writes {@code record} as the holder of {@code s}, through a mapping of its own. */
    private static void fakeHolder(NamedSemaphore s, long record) throws Exception {
        try (FileChannel ch = FileChannel.open(Path.of("/dev/shm/sem." + s.name().substring(1)),
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MappedByteBuffer b = ch.map(FileChannel.MapMode.READ_WRITE, 0, 32);
            b.order(ByteOrder.nativeOrder()).putLong(24, record);
        }
    }

    @Test
    void aWaiterTakesOverFromADeadHolderOnlyOnce() throws Exception {
        NamedSemaphore s = NamedSemaphore.create(1);
        try {
            assertTrue(s.tryAcquire());
            s.recordOwner();
            // A live holder (our parent, with its real start time): the waiter times out.
            long parent = ProcessHandle.current().parent().orElseThrow().pid();
            fakeHolder(s, OwnerRecord.pack(parent, startTimeOf(parent)));
            assertFalse(s.acquire(Deadline.after(Duration.ofMillis(200)), "test", true));
            // The same pid as if reused: the holder that wrote the record has died.
            long stale = OwnerRecord.pack(parent, startTimeOf(parent) + 7);
            fakeHolder(s, stale);
            OwnerDiedError e = assertThrows(OwnerDiedError.class,
                    () -> s.acquire(Deadline.after(Duration.ofSeconds(10)), "test", true));
            assertEquals(parent, e.deadPid());
            assertEquals(0, s.value(), "taken over without touching the semaphore");
            // Now recorded as ours: a second waiter (a thread of ours) does not take it again.
            assertFalse(s.acquire(Deadline.after(Duration.ofMillis(200)), "test", true));
            s.clearOwner();
            s.release();
            assertTrue(s.acquire(Deadline.after(Duration.ofSeconds(1)), "test", true));
            s.release();
        } finally {
            s.unlink();
        }
    }
}
