package dev.jmp.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.Process;
import dev.jmp.blocking.Deadline;
import dev.jmp.posix.Posix;
import dev.jmp.posix.Sem;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The Java path of a semaphore (SemMemory over glibc's sem_t) against libc's own path
 * on the same semaphore: they must agree on the value, exclude each other, and a Java
 * release must wake a thread that sleeps in the kernel, in this process or another.
 */
class SemMemoryTest {
    private static final Posix POSIX = Posix.libc();

    @Test
    void thisMachinesSemaphoresTakeTheJavaPathAndAgreeWithLibc() {
        NamedSemaphore s = NamedSemaphore.create(2);
        try {
            SemMemory m = s.fastPath();
            assertNotNull(m, "glibc's layout not recognised: the fast path is off on this machine");
            Sem sem = s.sem();
            assertTrue(s.tryAcquire());                 // Java
            assertEquals(1, POSIX.sem_getvalue(sem));
            assertTrue(POSIX.sem_trywait(sem));         // C
            assertEquals(0, s.value());
            assertFalse(s.tryAcquire(), "0: a try fails without waiting");
            assertFalse(s.acquire(Deadline.after(Duration.ZERO), "test"), "timeout 0: one try");
            s.release();                                // Java
            POSIX.sem_post(sem);                        // C
            assertEquals(2, s.value());
            assertEquals(2, POSIX.sem_getvalue(sem));
            assertEquals(0, m.sleepers());
        } finally {
            s.unlink();
        }
    }

    @Test
    void overReleaseIsRefusedAndNothingPosted() {
        NamedSemaphore lock = NamedSemaphore.create(1);
        NamedSemaphore full = NamedSemaphore.create(NamedSemaphore.SEM_VALUE_MAX);
        try {
            assertFalse(lock.release(1), "a Lock released twice");
            assertEquals(1, lock.value());
            assertTrue(lock.tryAcquire());
            assertTrue(lock.release(1));
            assertTrue(lock.release(2), "a BoundedSemaphore(2) may go to 2");
            assertEquals(2, lock.value());
            // At SEM_VALUE_MAX the Java path leaves the post to libc, whose EOVERFLOW is kept.
            assertThrows(IllegalStateException.class, full::release);
            assertEquals(NamedSemaphore.SEM_VALUE_MAX, full.value());
        } finally {
            lock.unlink();
            full.unlink();
        }
    }

    @Test
    void theLayoutIsCheckedBeforeItIsUsed() {
        NamedSemaphore s = NamedSemaphore.create(3);
        try {
            Sem sem = s.sem();
            ByteBuffer real = POSIX.sem_memory(sem);
            assertEquals(SemDescriptor.SIZE, real.capacity());
            assertEquals(SemDescriptor.FUTEX_SHARED, real.getInt(SemDescriptor.PRIVATE_OFFSET));
            assertEquals(SemDescriptor.Verdict.OTHER, SemDescriptor.check(null, POSIX, sem));
            assertEquals(SemDescriptor.Verdict.OTHER, SemDescriptor.check(fake(16, 3, 128), POSIX, sem), "another size");
            assertEquals(SemDescriptor.Verdict.OTHER, SemDescriptor.check(fake(32, 3, 0), POSIX, sem), "musl's private");
            SemDescriptor.forgetLayout();
            // Right size and flags, but the word Java reads is not what libc reports: not glibc.
            assertEquals(SemDescriptor.Verdict.OTHER, SemDescriptor.check(fake(32, 5, 128), POSIX, sem));
            assertEquals(SemDescriptor.Verdict.OTHER, SemDescriptor.check(real, POSIX, sem),
                    "decided once for the process: its C library");
            SemDescriptor.forgetLayout();
            assertEquals(SemDescriptor.Verdict.GLIBC, SemDescriptor.check(real, POSIX, sem));
        } finally {
            SemDescriptor.forgetLayout();
            s.unlink();
        }
    }

    /**
     * A lock's first swap (from 1 when taken, from 0 when released) assumes the word a
     * lock usually has; every other word must get exactly what the general path gives:
     * a counting value, a sleeper in the high half, a value already at the maximum.
     */
    @Test
    void aLocksFirstSwapFallsBackOnEveryOtherWord() {
        long sleeper = 1L << 32;
        SemMemory free = new SemMemory(fake(32, 1, SemDescriptor.FUTEX_SHARED));
        assertTrue(free.tryWaitFree());
        assertEquals(0, free.value());
        assertFalse(free.tryWaitFree(), "held: no second take");
        assertEquals(SemMemory.POSTED, free.postHeld(1));
        assertEquals(1, free.value());
        assertEquals(SemMemory.FULL, free.postHeld(1), "released twice");
        assertEquals(1, free.value());

        SemMemory counting = new SemMemory(fake(32, 3, SemDescriptor.FUTEX_SHARED));
        assertTrue(counting.tryWaitFree());
        assertEquals(2, counting.value());
        assertEquals(SemMemory.POSTED, counting.postHeld(5));
        assertEquals(3, counting.value());

        SemMemory slept = new SemMemory(fake(32, sleeper, SemDescriptor.FUTEX_SHARED));
        assertFalse(slept.tryWaitFree());
        assertEquals(SemMemory.NATIVE, slept.postHeld(1), "a sleeper: only libc's post wakes it");
        assertEquals(1, slept.sleepers());

        SemMemory freeWithSleeper = new SemMemory(fake(32, sleeper | 1, SemDescriptor.FUTEX_SHARED));
        assertTrue(freeWithSleeper.tryWaitFree(), "a value of 1 beside a sleeper is still taken");
        assertEquals(0, freeWithSleeper.value());
        assertEquals(1, freeWithSleeper.sleepers());

        SemMemory bound0 = new SemMemory(fake(32, 0, SemDescriptor.FUTEX_SHARED));
        assertEquals(SemMemory.FULL, bound0.postHeld(0), "a maximum of 0 is full at 0");
        assertEquals(0, bound0.value());
    }

    private static ByteBuffer fake(int size, long data, int futexFlag) {
        ByteBuffer b = ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
        b.putLong(0, data);
        if (size >= 16) {
            b.putInt(SemDescriptor.PRIVATE_OFFSET, futexFlag);
        }
        return b;
    }

    /**
     * A thread asleep in libc's sem_wait (no slices: a lost wake-up would leave it there
     * for good) is woken by a release that takes the Java path's first step: the post
     * sees the sleeper in the word and leaves it to libc's sem_post, which wakes it.
     */
    @Test
    void aJavaReleaseWakesAThreadAsleepInTheKernel() throws Exception {
        NamedSemaphore s = NamedSemaphore.create(0);
        try {
            SemMemory m = s.fastPath();
            assertNotNull(m);
            Sem sem = s.sem();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread sleeper = new Thread(() -> {
                try {
                    POSIX.sem_wait(sem);
                } catch (Throwable e) {
                    failed.set(e);
                }
            }, "kernel-sleeper");
            sleeper.setDaemon(true);
            sleeper.start();
            awaitSleepers(m, 1);
            s.release();
            sleeper.join(30_000);
            assertFalse(sleeper.isAlive(), "the sleeper was never woken");
            assertEquals(null, failed.get());
            assertEquals(0, s.value());
            assertEquals(0, m.sleepers());
        } finally {
            s.unlink();
        }
    }

    /** Until {@code n} threads of any process are asleep on it (the waiter count in the word). */
    static void awaitSleepers(SemMemory m, int n) throws InterruptedException {
        long end = System.nanoTime() + 60_000_000_000L;
        while (m.sleepers() < n) {
            assertTrue(System.nanoTime() < end, "nobody went to sleep on the semaphore");
            Thread.sleep(1);
        }
    }

    static final int ROUNDS = 200_000;

    /**
     * One thread takes the Java path (acquire, release), the other only libc's
     * (sem_wait, sem_post), around the same unguarded read-modify-write: a count short
     * of 2 x ROUNDS means both were inside at once. Each sleeps in the kernel whenever
     * the other holds the semaphore, so wake-ups cross between the paths both ways.
     */
    @Test
    void theJavaPathAndLibcsExcludeEachOther() throws Exception {
        NamedSemaphore s = NamedSemaphore.create(1);
        try {
            Sem sem = s.sem();
            int[] counter = {0};
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread c = new Thread(() -> {
                try {
                    for (int i = 0; i < ROUNDS; i++) {
                        POSIX.sem_wait(sem);
                        counter[0]++;
                        POSIX.sem_post(sem);
                    }
                } catch (Throwable e) {
                    failed.set(e);
                }
            }, "libc-path");
            c.setDaemon(true);
            c.start();
            for (int i = 0; i < ROUNDS; i++) {
                assertTrue(s.acquire(Deadline.never(), "test"));
                counter[0]++;
                assertTrue(s.release(1));
            }
            c.join(120_000);
            assertFalse(c.isAlive(), "the libc side is stuck");
            assertEquals(null, failed.get());
            assertEquals(2 * ROUNDS, counter[0]);
            assertEquals(1, s.value());
        } finally {
            s.unlink();
        }
    }

    @Test
    void aYoungProcessTakesTheNativePathThenLinksTheJavaOneMidLock() {
        NamedSemaphore s = NamedSemaphore.create(1);
        Sem sem = s.sem();
        try {
            NamedSemaphore.Young.restart();
            assertTrue(s.acquire(Deadline.never(), "test", true));
            s.recordOwner();
            assertEquals(POSIX.firstCallsCheap(), !s.linked(), "young on libjmp: the first acquire went native");
            assertEquals(0, POSIX.sem_getvalue(sem));
            int ops = 1;
            while (!s.linked()) {
                s.clearOwner();
                assertTrue(s.releaseLock(1));
                assertEquals(1, POSIX.sem_getvalue(sem), "released, whichever path did it");
                assertTrue(s.acquire(Deadline.never(), "test", true));
                s.recordOwner();
                ops += 2;
                assertTrue(ops <= NamedSemaphore.Young.NATIVE_OPS + 2, "still native after " + ops + " operations");
            }
            // Taken natively or in Java, released in Java: libc sees the same word.
            s.clearOwner();
            assertTrue(s.releaseLock(1));
            assertEquals(1, POSIX.sem_getvalue(sem));
            assertFalse(s.releaseLock(1), "a Lock released twice: refused");
            assertTrue(POSIX.sem_trywait(sem), "libc takes what the Java path gave back");
            assertFalse(s.tryAcquire());
            POSIX.sem_post(sem);
            assertTrue(s.tryAcquire());
            s.release();
        } finally {
            NamedSemaphore.Young.end();
            s.unlink();
        }
    }

    @Test
    void warmUpRunsTheFastPathOnOrdinaryMemory() {
        long before = OwnerRecord.selfRecord();
        OwnerRecord.warmUp();
        assertEquals(before, OwnerRecord.selfRecord());
        assertEquals(ProcessHandle.current().pid(), OwnerRecord.pid(before));
    }

    /** A child: opens the semaphore by name and sleeps in libc's sem_wait until posted. */
    static void sleepInKernel(String name) {
        Posix posix = Posix.libc();
        Sem sem = posix.sem_open(name, 0);
        posix.sem_wait(sem);
        posix.sem_close(sem);
    }

    @Test
    void aJavaReleaseWakesAnotherProcessAsleepInTheKernel() throws Exception {
        NamedSemaphore s = NamedSemaphore.create(0);
        String name = s.name();
        Process child = new Process(() -> sleepInKernel(name));
        try {
            child.start();
            awaitSleepers(s.fastPath(), 1);
            s.release();
            child.join(Duration.ofSeconds(30));
            assertEquals(0, child.exitcode(), "the child was never woken");
            assertEquals(0, s.value());
        } finally {
            if (child.exitcode() == null) {
                child.kill();
                child.join();
            }
            s.unlink();
        }
    }
}
