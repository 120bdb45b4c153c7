package dev.jmp.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The handle base without any kernel object: handles are plain values, opens and closes counted. */
class KernelHandleTest {

    /** An owner as MessageQueue and NamedSemaphore are: a handle, added to a table by its constructor. */
    static final class Owner {
        final KernelHandle<String> handle;

        Owner(HandleTable<Owner> table, String name, AtomicInteger opens, List<String> closed,
                CountDownLatch closing) {
            handle = new KernelHandle<>("thing", name, null, n -> "h" + opens.incrementAndGet(), h -> {
                closed.add(h);
                closing.countDown();
            });
            table.add(this, name, handle);
        }
    }

    @Test
    void opensOnceAtFirstUseEvenWhenThreadsRace() throws Exception {
        AtomicInteger opens = new AtomicInteger();
        KernelHandle<String> h = new KernelHandle<>("thing", "/x", null, n -> {
            opens.incrementAndGet();
            return n + "#" + opens.get();
        }, x -> { });
        assertEquals(0, opens.get(), "nothing opened before the first use");
        List<Thread> threads = new ArrayList<>();
        List<String> seen = new CopyOnWriteArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (int i = 0; i < 8; i++) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                seen.add(h.get());
            });
            t.start();
            threads.add(t);
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(1, opens.get());
        assertEquals(8, seen.size());
        assertTrue(seen.stream().allMatch("/x#1"::equals), seen.toString());
    }

    @Test
    void closesOnceAndNeverReopens() {
        List<String> closed = new ArrayList<>();
        AtomicInteger opens = new AtomicInteger();
        KernelHandle<String> h = new KernelHandle<>("thing", "/y", "created", n -> "opened" + opens.incrementAndGet(),
                closed::add);
        assertEquals("created", h.get(), "the creator starts with its open handle");
        assertFalse(h.closed());
        h.close();
        h.close();
        assertEquals(List.of("created"), closed);
        assertTrue(h.closed());
        IllegalStateException e = assertThrows(IllegalStateException.class, h::get);
        assertEquals("thing /y is closed", e.getMessage());
        assertEquals(0, opens.get());
    }

    @Test
    void neverOpenedIsClosedWithoutCallingClose() {
        List<String> closed = new ArrayList<>();
        KernelHandle<String> h = new KernelHandle<>("thing", "/z", null, n -> "opened", closed::add);
        h.close();
        assertTrue(closed.isEmpty());
        assertThrows(IllegalStateException.class, h::get);
    }

    @Test
    void aFailedOpenLeavesTheHandleUsable() {
        AtomicInteger tries = new AtomicInteger();
        KernelHandle<String> h = new KernelHandle<>("thing", "/f", null, n -> {
            if (tries.incrementAndGet() == 1) {
                throw new IllegalArgumentException("first open fails");
            }
            return "second";
        }, x -> { });
        assertThrows(IllegalArgumentException.class, h::get);
        assertEquals("second", h.get());
    }

    @Test
    void oneObjectPerNameUntilItIsDroppedThenItsHandleCloses() throws Exception {
        HandleTable<Owner> table = new HandleTable<>();
        AtomicInteger opens = new AtomicInteger();
        List<String> closed = new CopyOnWriteArrayList<>();
        CountDownLatch closing = new CountDownLatch(1);
        Owner a = table.attach("/n", n -> new Owner(table, n, opens, closed, closing));
        assertSame(a, table.attach("/n", n -> {
            throw new AssertionError("a live object must be reused");
        }));
        Owner other = table.attach("/m", n -> new Owner(table, n, opens, closed, new CountDownLatch(1)));
        assertFalse(a == other);
        assertEquals("h1", a.handle.get());
        a = null;
        // Only the collector can say the owner is unreachable: ask until its clean-up has run.
        for (int i = 0; i < 100 && !closing.await(100, TimeUnit.MILLISECONDS); i++) {
            System.gc();
        }
        assertEquals(List.of("h1"), closed);
        Owner b = table.attach("/n", n -> new Owner(table, n, opens, closed, new CountDownLatch(1)));
        assertEquals("h2", b.handle.get(), "a dropped object's name gets a new handle");
        assertFalse(other.handle.closed(), "a live object's handle stays open");
    }
}
