package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * SharedMemory, Value and Array shared with real child JVMs. Each child reports
 * through its exit code (0: every check passed; another number names the failed
 * check), and one set of children does all the work of a test.
 */
class SharedCtypesProcessTest {
    private static final Duration LONG = Duration.ofSeconds(30);
    private static final int CHILDREN = 3;
    private static final int INCREMENTS = 2000;
    private static final int SLICE = 50;
    private static final long MAGIC = 0x6a6d705f73686dL;

    @AfterAll
    static void nothingOfOursLeftInDevShm() throws Exception {
        ShmObjects.awaitNoneOf(ProcessHandle.current().pid());
    }

    private static List<Integer> joinAll(List<Process> ps) {
        List<Integer> codes = new ArrayList<>();
        for (Process p : ps) {
            p.join(Duration.ofSeconds(60));
            if (p.exitcode() == null) {
                p.kill();
                p.join();
            }
            codes.add(p.exitcode());
        }
        return codes;
    }

    /**
     * A child: checks the SharedMemory it was given (as a handle, and attached again by
     * its name), writes its mark there, fills its slice of the Array, then increments
     * the locked counter under getLock() and the unlocked one atomically, at once with
     * its siblings.
     */
    static void worker(int me, SharedMemory shm, Value locked, Value atomic, Array slices, Event start) {
        ChildChecks.check(shm.size() == 64, 2);
        ChildChecks.check(shm.buf().getLong(0) == MAGIC, 3);
        try (SharedMemory byName = new SharedMemory(shm.name())) {
            ChildChecks.check(byName.size() == 64 && byName.buf().getLong(0) == MAGIC, 4);
            byName.buf().putLong(8 + 8 * me, me + 1);
        }
        for (int k = 0; k < SLICE; k++) {
            slices.set(me * SLICE + k, me * 1000 + k);
        }
        ChildChecks.check(start.await(LONG), 5);
        SemLock lock = locked.getLock();
        for (int k = 0; k < INCREMENTS; k++) {
            lock.acquire();
            try {
                int v = locked.value().intValue();
                if ((k & 15) == 0) {
                    Thread.yield();     // invite a sibling into the critical section
                }
                locked.setValue(v + 1);
            } finally {
                lock.release();
            }
            atomic.getAndAdd(1);
        }
    }

    @Test
    void childrenShareCountersArraysAndBlocks() throws Exception {
        SharedMemory shm = new SharedMemory(null, true, 64);
        try {
            shm.buf().putLong(0, MAGIC);
            Value locked = new Value('i', 0);
            Value atomic = new Value('q', 0, false);
            Array slices = new Array('i', CHILDREN * SLICE);
            Event start = new Event();
            List<Process> ps = new ArrayList<>();
            for (int i = 0; i < CHILDREN; i++) {
                int me = i;
                Process p = new Process(() -> worker(me, shm, locked, atomic, slices, start));
                p.start();
                ps.add(p);
            }
            start.set();
            assertEquals(List.of(0, 0, 0), joinAll(ps));
            assertEquals(CHILDREN * INCREMENTS, locked.value(), "increments under getLock() were lost");
            assertEquals((long) CHILDREN * INCREMENTS, atomic.value(), "atomic increments were lost");
            for (int i = 0; i < CHILDREN; i++) {
                for (int k = 0; k < SLICE; k++) {
                    assertEquals(i * 1000 + k, slices.get(i * SLICE + k));
                }
                assertEquals(i + 1, shm.buf().getLong(8 + 8 * i), "child " + i + " wrote through its own attach");
            }
            assertTrue(locked.getLock().acquire(false), "every child released the lock");
            locked.getLock().release();
        } finally {
            shm.unlink();
        }
    }

    // ---- lifetime -----------------------------------------------------------------------------

    static Path namedBlock(long pid) {
        return Path.of("/dev/shm", "jmptest." + pid + ".named");
    }

    /** Creates one of everything (a named block too), touches it, and ends or throws. */
    static void createAndEnd(boolean fail) {
        long pid = ProcessHandle.current().pid();
        SharedMemory named = new SharedMemory(namedBlock(pid).getFileName().toString(), true, 128);
        named.buf().put(0, (byte) 1);
        SharedMemory fresh = new SharedMemory(null, true, 4096);
        ByteBuffer kept = fresh.buf();
        kept.put(0, (byte) 1);
        Value v = new Value('d', 1.5);
        v.setValue(2.5);
        Array a = new Array('h', 10);
        a.set(3, 4);
        if (fail) {
            throw new IllegalStateException("uncaught, on purpose (this trace is expected)");
        }
    }

    @Test
    void childrenLeaveNothingBehind() throws Exception {
        Process normal = new Process(() -> createAndEnd(false));
        Process failing = new Process(() -> createAndEnd(true));
        normal.start();
        failing.start();
        assertEquals(List.of(0, 1), joinAll(List.of(normal, failing)));
        for (Process p : List.of(normal, failing)) {
            assertEquals(List.of(), ShmObjects.of(p.pid()));
            assertFalse(Files.exists(namedBlock(p.pid())), "the creator unlinks a user-named block at exit");
        }
    }
}
