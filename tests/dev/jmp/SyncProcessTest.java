package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.sync.SharedInts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The synchronization primitives shared with real child JVMs. Each child reports
 * through its exit code (0: every check passed; another number names the check that
 * failed), and each test starts its children together and gives each several jobs.
 */
class SyncProcessTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    @AfterAll
    static void nothingOfOursLeftInDevShm() throws Exception {
        ShmObjects.awaitNoneOf(ProcessHandle.current().pid());
    }

    private static List<Process> startAll(int n, Task target) {
        List<Process> ps = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Process p = new Process(target);
            p.start();
            ps.add(p);
        }
        return ps;
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

    private static void acquireAll(Semaphore s, int n) {
        for (int i = 0; i < n; i++) {
            assertTrue(s.acquire(LONG), "a child did not report in time");
        }
    }

    // ---- Lock, RLock, Event ------------------------------------------------------------

    static final int INCREMENTS = 300;

    /**
     * A child: checks that the parent's RLock is neither acquirable nor releasable here,
     * waits for the start Event, then increments the shared counter under the Lock.
     */
    static void incrementer(Lock lock, RLock parentHeld, Event start, Semaphore checked, SharedInts counter) {
        if (parentHeld.acquire(false)) {
            System.exit(2);
        }
        try {
            parentHeld.release();
            System.exit(3);
        } catch (IllegalMonitorStateException expected) {
            // owned by (parent, main thread), not by us
        }
        checked.release();
        if (!start.await(LONG)) {
            System.exit(4);
        }
        for (int i = 0; i < INCREMENTS; i++) {
            lock.acquire();
            try {
                int v = counter.get(0);
                Thread.yield();         // invite another process into the critical section
                counter.set(0, v + 1);
            } finally {
                lock.release();
            }
        }
    }

    @Test
    void lockExcludesChildrenAndEventStartsThem() {
        Lock lock = new Lock();
        RLock held = new RLock();
        Event start = new Event();
        Semaphore checked = new Semaphore(0);
        SharedInts counter = SharedInts.create(1);
        held.acquire();
        List<Process> ps = startAll(3, () -> incrementer(lock, held, start, checked, counter));
        acquireAll(checked, 3);
        held.release();
        assertFalse(start.isSet());
        start.set();
        assertEquals(List.of(0, 0, 0), joinAll(ps));
        assertEquals(3 * INCREMENTS, counter.get(0));
        assertTrue(lock.acquire(false), "released by every child");
        lock.release();
    }

    // ---- the uncontended path in Java, contended across processes ------------------------

    static final int LOCKED_INCREMENTS = 20_000;

    /**
     * A child: if {@code holdFirst}, takes the Lock, says so and keeps it until
     * {@code letGo}; then, at {@code go}, increments the Value under its RLock and a
     * shared int under the Lock, {@link #LOCKED_INCREMENTS} times each.
     */
    static void contender(boolean holdFirst, Lock lock, Value value, SharedInts ints, Semaphore holding, Event letGo,
            Event go) {
        if (holdFirst) {
            lock.acquire();
            holding.release();
            if (!letGo.await(LONG)) {
                System.exit(2);
            }
            lock.release();
        }
        if (!go.await(LONG)) {
            System.exit(3);
        }
        lockedIncrements(lock, value, ints);
    }

    static void lockedIncrements(Lock lock, Value value, SharedInts ints) {
        SemLock vlock = value.getLock();
        for (int i = 0; i < LOCKED_INCREMENTS; i++) {
            vlock.acquire();
            try {
                value.setValue(value.value().intValue() + 1);
            } finally {
                vlock.release();
            }
            lock.acquire();
            try {
                ints.set(0, ints.get(0) + 1);
            } finally {
                lock.release();
            }
        }
    }

    /**
     * Locks whose uncontended acquire and release are a compare-and-swap in Java
     * (glibc's sem_t): a Lock held by a child times out here as it should, and three
     * processes incrementing under a Lock and under a Value's RLock lose no update.
     */
    @Test
    void lockHeldElsewhereTimesOutAndLockedCountsAreExact() {
        Lock lock = new Lock();
        Value value = new Value('i', 0);
        SharedInts ints = SharedInts.create(1);
        Semaphore holding = new Semaphore(0);
        Event letGo = new Event();
        Event go = new Event();
        List<Process> ps = new ArrayList<>();
        for (boolean holdFirst : new boolean[] {true, false}) {
            Process p = new Process(() -> contender(holdFirst, lock, value, ints, holding, letGo, go));
            p.start();
            ps.add(p);
        }
        acquireAll(holding, 1);
        assertFalse(lock.acquire(false));
        assertFalse(lock.acquire(Duration.ZERO));
        long t0 = System.nanoTime();
        assertFalse(lock.acquire(Duration.ofMillis(200)));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 190, "a 200 ms timeout returned after " + ms + " ms");
        letGo.set();
        assertTrue(lock.acquire(LONG), "released by the child");
        lock.release();
        go.set();
        lockedIncrements(lock, value, ints);
        assertEquals(List.of(0, 0), joinAll(ps));
        assertEquals(3 * LOCKED_INCREMENTS, value.value().intValue());
        assertEquals(3 * LOCKED_INCREMENTS, ints.get(0));
        assertTrue(lock.acquire(false), "free at the end");
        lock.release();
    }

    // ---- Condition -----------------------------------------------------------------------

    /**
     * A child: sleeps on the condition, again and again, until the parent raises the
     * stop flag; then awaitFor a predicate the parent makes true, then awaitFor one that
     * stays false, with a timeout.
     */
    static void waiter(Condition c, Semaphore ready, Semaphore woke, SharedInts flags) {
        c.acquire();
        try {
            while (true) {
                ready.release();        // under the lock: when the parent gets it, we sleep
                c.await();
                woke.release();
                if (flags.get(0) == 1) {
                    break;
                }
            }
            ready.release();
            if (!c.awaitFor(() -> flags.get(1) == 1, LONG)) {
                System.exit(2);
            }
            long t0 = System.nanoTime();
            if (c.awaitFor(() -> false, Duration.ofMillis(200))) {
                System.exit(3);
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (ms < 190 || ms > 5000) {
                System.exit(4);
            }
        } finally {
            c.release();
        }
    }

    @Test
    void conditionSignalsWaitersInChildren() {
        Condition c = new Condition();
        Semaphore ready = new Semaphore(0);
        Semaphore woke = new Semaphore(0);
        SharedInts flags = SharedInts.create(2);
        List<Process> ps = startAll(3, () -> waiter(c, ready, woke, flags));
        acquireAll(ready, 3);

        c.acquire();
        c.signal();
        c.release();
        acquireAll(woke, 1);
        acquireAll(ready, 1);          // the one that woke sleeps again
        assertFalse(woke.acquire(Duration.ofMillis(200)), "signal() woke more than one");

        c.acquire();
        c.signal(2);
        c.release();
        acquireAll(woke, 2);
        acquireAll(ready, 2);
        assertEquals(0, woke.getValue());

        c.acquire();
        flags.set(0, 1);
        c.signalAll();
        c.release();
        acquireAll(woke, 3);

        acquireAll(ready, 3);          // all three in awaitFor now
        c.acquire();
        c.signalAll();                 // predicate still false: they sleep again
        flags.set(1, 1);
        c.signalAll();
        c.release();
        assertEquals(List.of(0, 0, 0), joinAll(ps));
    }

    // ---- Barrier ---------------------------------------------------------------------------

    /** A child: two rounds at the barrier, then a third that the parent aborts. */
    static void party(Barrier b) {
        int first = b.await(LONG);
        int second = b.await(LONG);
        try {
            b.await(LONG);
            System.exit(3);
        } catch (BrokenBarrierError expected) {
            System.exit(10 + 3 * first + second);
        }
    }

    @Test
    void barrierAcrossProcesses() throws Exception {
        SharedInts actions = SharedInts.create(1);
        // The action runs in whichever process arrives last, under the barrier's lock.
        Barrier b = new Barrier(3, () -> actions.set(0, actions.get(0) + 1));
        List<Process> ps = startAll(2, () -> party(b));
        int first = b.await(LONG);
        int second = b.await(LONG);
        long end = System.nanoTime() + LONG.toNanos();
        while (b.nWaiting() < 2 && System.nanoTime() < end) {
            Thread.sleep(1);            // watching shared state, no event to wait on
        }
        assertEquals(2, b.nWaiting());
        b.abort();
        List<Integer> codes = joinAll(ps);
        List<Integer> firsts = new ArrayList<>(List.of(first));
        List<Integer> seconds = new ArrayList<>(List.of(second));
        for (int code : codes) {
            assertTrue(code >= 10, "child exit code " + code);
            firsts.add((code - 10) / 3);
            seconds.add((code - 10) % 3);
        }
        firsts.sort(null);
        seconds.sort(null);
        assertEquals(List.of(0, 1, 2), firsts);
        assertEquals(List.of(0, 1, 2), seconds);
        assertEquals(2, actions.get(0), "the action ran once per round");
        assertTrue(b.broken());
    }

    // ---- lifetime in children ---------------------------------------------------------------

    static void createAndEnd(boolean fail) {
        Lock lock = new Lock();
        lock.acquire();
        new Barrier(2);
        new Condition();
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
        assertEquals(List.of(), ShmObjects.of(normal.pid()));
        assertEquals(List.of(), ShmObjects.of(failing.pid()));
    }
}
