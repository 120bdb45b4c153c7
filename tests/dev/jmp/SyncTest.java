package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.resource.KernelNames;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The synchronization primitives within one process (threads as the other parties):
 * errors, timeouts, interrupts, handles and lifetime. SyncProcessTest covers the same
 * objects across child processes.
 */
class SyncTest {
    private static final Duration SHORT = Duration.ofMillis(200);

    @AfterAll
    static void nothingOfOursLeftInDevShm() throws Exception {
        ShmObjects.awaitNoneOf(ProcessHandle.current().pid());
    }

    // ---- errors as API.md -------------------------------------------------------

    @Test
    void lockReleasedWhenUnlockedIsIllegalState() {
        Lock lock = new Lock();
        assertThrows(IllegalStateException.class, lock::release);
        lock.acquire();
        lock.release();
        assertThrows(IllegalStateException.class, lock::release);
        assertTrue(lock.acquire(false), "a refused release leaves the lock free");
        lock.release();
    }

    @Test
    void lockMayBeReleasedByAnotherThread() throws Exception {
        Lock lock = new Lock();
        lock.acquire();
        Thread t = new Thread(lock::release);
        t.start();
        t.join();
        assertTrue(lock.acquire(false));
        lock.release();
    }

    @Test
    void rlockIsReentrantAndOwnedPerThread() throws Exception {
        RLock r = new RLock();
        r.acquire();
        assertTrue(r.acquire(false));
        assertEquals("<RLock(MainProcess, 2)>", r.toString().replace("|" + Thread.currentThread().getName(), ""));
        AtomicReference<Throwable> fromOther = new AtomicReference<>();
        AtomicReference<Boolean> otherGot = new AtomicReference<>();
        Thread t = new Thread(() -> {
            otherGot.set(r.acquire(false));
            try {
                r.release();
            } catch (Throwable e) {
                fromOther.set(e);
            }
        });
        t.start();
        t.join();
        assertFalse(otherGot.get());
        assertTrue(fromOther.get() instanceof IllegalMonitorStateException, String.valueOf(fromOther.get()));
        r.release();
        r.release();
        assertThrows(IllegalMonitorStateException.class, r::release);
        assertEquals("<RLock(None, 0)>", r.toString());
    }

    @Test
    void semaphoreValues() {
        assertThrows(IllegalArgumentException.class, () -> new Semaphore(-1));
        assertThrows(IllegalArgumentException.class, () -> new BoundedSemaphore(-1));
        Semaphore s = new Semaphore(2);
        assertEquals(2, s.getValue());
        s.acquire();
        assertEquals(1, s.getValue());
        s.release();
        s.release();     // unbounded: above the initial value is fine
        assertEquals(3, s.getValue());
        assertEquals("<Semaphore(value=3)>", s.toString());
        assertEquals(1, new Semaphore().getValue());
        Semaphore zero = new Semaphore(0);
        assertFalse(zero.acquire(false));
        assertFalse(zero.acquire(Duration.ZERO));
        assertFalse(zero.acquire(Duration.ofMillis(-5)));
    }

    @Test
    void boundedSemaphoreRefusesOverRelease() {
        BoundedSemaphore b = new BoundedSemaphore(2);
        assertThrows(IllegalStateException.class, b::release);
        b.acquire();
        b.acquire();
        b.release();
        b.release();
        assertThrows(IllegalStateException.class, b::release);
        assertEquals(2, b.getValue());
        assertEquals("<BoundedSemaphore(value=2, maxvalue=2)>", b.toString());
        BoundedSemaphore one = new BoundedSemaphore();
        assertThrows(IllegalStateException.class, one::release);
        assertEquals(1, one.getValue());
    }

    @Test
    void conditionWithoutTheLockIsIllegalMonitorState() {
        Condition c = new Condition();
        assertThrows(IllegalMonitorStateException.class, c::await);
        assertThrows(IllegalMonitorStateException.class, c::signal);
        assertThrows(IllegalMonitorStateException.class, () -> c.signal(2));
        assertThrows(IllegalMonitorStateException.class, c::signalAll);
        assertThrows(IllegalMonitorStateException.class, c::release);
        Condition overLock = new Condition(new Lock());
        assertThrows(IllegalMonitorStateException.class, overLock::signal);
        assertThrows(IllegalStateException.class, overLock::release);
    }

    // ---- timeouts ---------------------------------------------------------------------

    @Test
    void timeoutsReturnAfterTheirTime() {
        Lock lock = new Lock();
        lock.acquire();
        assertElapsed(() -> assertFalse(lock.acquire(SHORT)));
        assertFalse(lock.acquire(false));
        lock.release();

        Condition c = new Condition();
        c.acquire();
        assertElapsed(() -> assertFalse(c.await(SHORT)));
        assertTrue(c.acquire(false), "still held after the wait, recursively");
        c.release();
        assertElapsed(() -> assertFalse(c.awaitFor(() -> false, SHORT)));
        assertTrue(c.awaitFor(() -> true, Duration.ZERO));
        c.release();

        Event e = new Event();
        assertElapsed(() -> assertFalse(e.await(SHORT)));

        Barrier b = new Barrier(2, null, SHORT);
        assertElapsed(() -> assertThrows(BrokenBarrierError.class, b::await));
        assertTrue(b.broken());
    }

    private static void assertElapsed(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 190 && ms < 5000, "took " + ms + " ms for a 200 ms timeout");
    }

    // ---- interrupts -------------------------------------------------------------

    @Test
    void interruptWakesABlockedAcquire() throws Exception {
        Lock lock = new Lock();
        lock.acquire();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> flagAfter = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                lock.acquire();
            } catch (Throwable e) {
                thrown.set(e);
                flagAfter.set(Thread.currentThread().isInterrupted());
            }
        }, "blocked-acquirer");
        t.start();
        awaitInKernel(t);
        long t0 = System.nanoTime();
        t.interrupt();
        t.join(5000);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertFalse(t.isAlive());
        assertTrue(thrown.get() instanceof InterruptedError, String.valueOf(thrown.get()));
        assertTrue(flagAfter.get(), "the interrupt flag is set again");
        assertTrue(ms < 1000, "woke after " + ms + " ms");
        lock.release();
    }

    @Test
    void interruptedAwaitHoldsTheLockAgain() throws Exception {
        Condition c = new Condition();
        AtomicReference<String> result = new AtomicReference<>();
        Thread t = new Thread(() -> {
            c.acquire();
            try {
                c.await();
                result.set("returned");
            } catch (InterruptedError e) {
                result.set(c.acquire(false) ? "held" : "not held");
                c.release();
            } finally {
                c.release();
            }
        }, "blocked-waiter");
        t.start();
        awaitInKernel(t);
        t.interrupt();
        t.join(5000);
        assertEquals("held", result.get());
        assertTrue(c.acquire(false), "the waiter released it on its way out");
        c.release();
    }

    /** Waits until {@code t} is asleep in sem_clockwait (seen in its stack: sem_acquire on JNI, whose wait is in C). */
    static void awaitInKernel(Thread t) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < end) {
            for (StackTraceElement e : t.getStackTrace()) {
                if (e.getMethodName().equals("sem_clockwait") || e.getMethodName().equals("sem_acquire")) {
                    return;
                }
            }
            Thread.sleep(1);
        }
        throw new AssertionError(t.getName() + " never blocked: " + Arrays.toString(t.getStackTrace()));
    }

    /** Until {@code n} threads wait at {@code b} (ten seconds at most). */
    static void awaitWaiting(Barrier b, int n) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (b.nWaiting() != n) {
            if (System.nanoTime() > end) {
                throw new AssertionError(b.nWaiting() + " threads wait at the barrier, not " + n);
            }
            Thread.sleep(1);
        }
    }

    // ---- conditions, events and barriers with threads ------------------------------

    @Test
    void signalWakesWaitersOneByOneThenAll() throws Exception {
        Condition c = new Condition(new Lock());
        Semaphore woke = new Semaphore(0);
        List<Thread> waiters = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Thread t = new Thread(() -> {
                c.acquire();
                try {
                    c.await();
                } finally {
                    c.release();
                }
                woke.release();
            });
            t.start();
            waiters.add(t);
        }
        for (Thread t : waiters) {
            awaitInKernel(t);
        }
        c.acquire();
        c.signal();
        c.release();
        assertTrue(woke.acquire(Duration.ofSeconds(10)));
        assertEquals(0, woke.getValue());
        c.acquire();
        c.signal(5);       // more than there are: wakes the two left
        c.release();
        assertTrue(woke.acquire(Duration.ofSeconds(10)));
        assertTrue(woke.acquire(Duration.ofSeconds(10)));
        for (Thread t : waiters) {
            t.join();
        }
        c.acquire();
        c.signalAll();     // nobody waits: returns at once
        c.release();
    }

    @Test
    void eventSetWakesWaiters() throws Exception {
        Event e = new Event();
        assertFalse(e.isSet());
        AtomicInteger woke = new AtomicInteger();
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Thread t = new Thread(() -> {
                if (e.await(Duration.ofSeconds(10))) {
                    woke.incrementAndGet();
                }
            });
            t.start();
            ts.add(t);
        }
        for (Thread t : ts) {
            awaitInKernel(t);
        }
        e.set();
        for (Thread t : ts) {
            t.join();
        }
        assertEquals(2, woke.get());
        assertTrue(e.isSet());
        e.await();
        assertTrue(e.toString().endsWith(" set>"), e.toString());
        e.clear();
        assertFalse(e.isSet());
    }

    @Test
    void barrierIndicesActionAndRounds() throws Exception {
        AtomicInteger actions = new AtomicInteger();
        Barrier b = new Barrier(3, actions::incrementAndGet);
        assertEquals(3, b.parties());
        for (int round = 0; round < 2; round++) {
            List<Integer> indices = Collections.synchronizedList(new ArrayList<>());
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Thread t = new Thread(() -> indices.add(b.await()));
                t.start();
                ts.add(t);
            }
            // nWaiting, not awaitInKernel: a thread blocked on the barrier's own lock is
            // in the kernel too, before it counts as waiting.
            awaitWaiting(b, 2);
            indices.add(b.await());
            for (Thread t : ts) {
                t.join();
            }
            Collections.sort(indices);
            assertEquals(List.of(0, 1, 2), indices);
            assertEquals(round + 1, actions.get());
            assertEquals(0, b.nWaiting());
        }
        assertFalse(b.broken());
    }

    @Test
    void barrierAbortResetAndFailingAction() throws Exception {
        Barrier b = new Barrier(2);
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        Thread t = new Thread(() -> {
            try {
                b.await();
            } catch (Throwable e) {
                errors.add(e);
            }
        });
        t.start();
        awaitInKernel(t);
        b.abort();
        t.join();
        assertTrue(errors.get(0) instanceof BrokenBarrierError, errors.toString());
        assertTrue(b.broken());
        assertThrows(BrokenBarrierError.class, b::await);
        b.reset();
        assertFalse(b.broken());

        // reset while a party waits: it gets BrokenBarrierError, and the barrier works after.
        errors.clear();
        Thread w = new Thread(() -> {
            try {
                b.await();
            } catch (Throwable e) {
                errors.add(e);
            }
        });
        w.start();
        awaitInKernel(w);
        b.reset();
        w.join();
        assertTrue(errors.get(0) instanceof BrokenBarrierError, errors.toString());
        assertFalse(b.broken());
        Thread other = new Thread(b::await);
        other.start();
        assertTrue(b.await(Duration.ofSeconds(10)) >= 0);
        other.join();

        // an action that throws breaks the barrier; its exception reaches the last party.
        Barrier failing = new Barrier(1, () -> {
            throw new IllegalStateException("action failed");
        });
        assertThrows(IllegalStateException.class, failing::await);
        assertTrue(failing.broken());
        assertThrows(IllegalArgumentException.class, () -> new Barrier(0));
    }

    @Test
    void interruptedBarrierPartyBreaksIt() throws Exception {
        Barrier b = new Barrier(2);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                b.await();
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.start();
        awaitInKernel(t);
        t.interrupt();
        t.join(5000);
        assertTrue(thrown.get() instanceof InterruptedError, String.valueOf(thrown.get()));
        assertTrue(b.broken());
    }

    // ---- handles and lifetime ------------------------------------------------------

    @Test
    void namesArePrivateUnguessableAndOwnedByPid() throws Exception {
        Lock lock = new Lock();
        String name = lock.handle().name();
        assertTrue(name.matches("/jmp\\." + ProcessHandle.current().pid() + "\\.[a-z2-7]{20}"), name);
        Path file = Path.of("/dev/shm/sem." + name.substring(1));
        assertTrue(Files.exists(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertNotSame(KernelNames.fresh(), KernelNames.fresh());
        assertFalse(KernelNames.fresh().equals(KernelNames.fresh()));
    }

    @Test
    void copiesInOneProcessShareOneHandle() throws Exception {
        RLock r = new RLock();
        RLock copy = roundTrip(r);
        assertNotSame(r, copy);
        assertEquals(r, copy);
        assertSame(r.handle(), copy.handle());
        r.acquire();
        assertTrue(copy.acquire(false), "reentrant through the copy: one owner record");
        copy.release();
        r.release();
        assertThrows(IllegalMonitorStateException.class, copy::release);

        Barrier b = roundTrip(new Barrier(1));
        assertEquals(0, b.await());
        Event e = new Event();
        Event eCopy = roundTrip(e);
        e.set();
        assertTrue(eCopy.isSet());
    }

    @Test
    void serializedFormIsSmall() throws Exception {
        int size = serialize(new Lock()).length;
        assertTrue(size < 200, size + " bytes");
    }

    @Test
    void unreachableObjectsAreUnlinked() throws Exception {
        String sem = new Lock().handle().name();
        Path semFile = Path.of("/dev/shm/sem." + sem.substring(1));
        assertTrue(Files.exists(semFile));
        ShmObjects.awaitGone(semFile);
    }

    /**
     * The serialized form, to measure or to decode here: not a copy sent to another
     * process, so no copy of a Lock in it is counted in flight (a copy never decoded
     * would keep its Lock until the program ends: dev.jmp.resource.Holds).
     */
    static byte[] serialize(Object o) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean unsent = dev.jmp.resource.Holds.unsent(true);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        } finally {
            dev.jmp.resource.Holds.unsent(unsent);
        }
        return bytes.toByteArray();
    }

    @SuppressWarnings("unchecked")
    static <T> T roundTrip(T o) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(serialize(o)))) {
            return (T) in.readObject();
        }
    }
}
