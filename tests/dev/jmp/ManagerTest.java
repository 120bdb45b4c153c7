package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One SyncManager (a child JVM) shared by all cases; children reach it through proxies. */
class ManagerTest {
    private static SyncManager manager;

    @BeforeAll
    static void start() {
        manager = Multiprocessing.manager();
    }

    @AfterAll
    static void stop() {
        long pid = manager.serverProcess().pid();
        manager.close();
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "close() ends the manager process");
        assertThrows(IllegalStateException.class, manager::dict, "a closed manager serves no more");
    }

    @Test
    void dictIsAMapKeepingInsertionOrder() {
        Map<Object, Object> d = manager.dict();
        d.put("b", 1);
        d.put("a", null);
        d.put(0.25, "quarter");
        assertEquals(1, d.get("b"));
        assertTrue(d.containsKey("a"));
        assertEquals(3, d.size());
        d.putAll(Map.of("x", 10));
        assertEquals(List.of("b", "a", 0.25, "x"), new ArrayList<>(d.keySet()));
        assertEquals(Arrays.asList(1, null, "quarter", 10), new ArrayList<>(d.values()));
        Map<Object, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<Object, Object> e : d.entrySet()) {
            copy.put(e.getKey(), e.getValue());
        }
        assertEquals(copy, d);           // equals runs in the manager against our HashMap
        assertEquals(d, copy);           // and AbstractMap.equals here against the proxy
        assertEquals(copy.hashCode(), d.hashCode());
        assertEquals("{b=1, a=null, 0.25=quarter, x=10}", d.toString());
        assertEquals(10, d.getOrDefault("x", 0));
        assertEquals(5, d.merge("m", 5, (Serializable & java.util.function.BiFunction<Object, Object, Object>)
                (x, y) -> (Integer) x + (Integer) y));
        assertEquals(12, d.merge("m", 7, (x, y) -> (Integer) x + (Integer) y));   // not serializable: runs here
        List<Object> seen = new ArrayList<>();
        d.forEach((k, v) -> seen.add(k));
        assertEquals(List.of("b", "a", 0.25, "x", "m"), seen);
        assertEquals(1, d.remove("b"));
        d.clear();
        assertTrue(d.isEmpty());
    }

    @Test
    void listIsAListAndIteratesASnapshot() {
        List<Object> l = manager.list();
        l.add("a");
        l.addAll(List.of(1, 2, 3));
        l.add(0, "first");
        assertEquals(List.of("first", "a", 1, 2, 3), l);
        assertEquals(List.of("a", 1), l.subList(1, 3));
        Iterator<Object> it = l.iterator();
        l.add("later");                 // the iterator is a snapshot taken in one call
        List<Object> walked = new ArrayList<>();
        it.forEachRemaining(walked::add);
        assertEquals(List.of("first", "a", 1, 2, 3), walked);
        assertEquals(6, l.stream().count());
        assertEquals(2, l.indexOf(1));
        assertEquals("first", l.set(0, "zero"));
        assertThrows(IndexOutOfBoundsException.class, () -> l.get(99));   // the manager's exception, as itself
        assertEquals(6, l.toArray().length);
    }

    @Test
    void namespaceHasNamedAttributes() {
        Namespace ns = manager.namespace();
        ns.set("x", 10);
        ns.set("y", "hello");
        assertEquals(10, ns.get("x"));
        assertEquals(Map.of("x", 10, "y", "hello"), ns.attributes());
        assertEquals("Namespace(x=10, y='hello')", ns.toString());
        assertThrows(NoSuchElementException.class, () -> ns.get("z"));
    }

    @Test
    void queueIsABlockingQueue() throws Exception {
        BlockingQueue<Object> q = manager.queue(2);
        assertTrue(q.offer("a"));
        q.put("b");
        assertFalse(q.offer("c"));
        assertEquals(0, q.remainingCapacity());
        assertEquals("a", q.take());
        assertEquals("b", q.poll(1, TimeUnit.SECONDS));
        assertEquals(null, q.poll(10, TimeUnit.MILLISECONDS));
    }

    private static void tutorialWorker(Map<Object, Object> d, List<Object> l) {
        d.put(1, "1");
        d.put("2", 2);
        d.put(0.25, null);
        java.util.Collections.reverse(l);
    }

    /** The tutorial's "share state with a Manager" program. */
    @Test
    void childProcessesChangeTheSameObjects() {
        Map<Object, Object> d = manager.dict();
        List<Object> l = manager.list();
        for (int i = 0; i < 10; i++) {
            l.add(i);
        }
        Process p = new Process(() -> tutorialWorker(d, l));
        p.start();
        p.join();
        assertEquals(0, p.exitcode());
        assertEquals("{1=1, 2=2, 0.25=null}", d.toString());
        assertEquals(List.of(9, 8, 7, 6, 5, 4, 3, 2, 1, 0), l);
    }

    private static void appendThroughNested(Map<String, List<Object>> d, Connection conn) {
        d.get("inner").add("from child");
        BlockingQueue<Object> q = conn.recv();
        q.add("through a pipe");
    }

    @Test
    void nestedProxiesStaySharedAndProxiesTravelThroughPipes() {
        Map<String, List<Object>> d = manager.dict();
        List<Object> inner = manager.list();
        d.put("inner", inner);
        d.get("inner").add("from parent");
        assertEquals(List.of("from parent"), inner);
        BlockingQueue<Object> q = manager.queue();
        try (Pipe pipe = Pipe.open()) {
            Connection childEnd = pipe.conn2();
            Process p = new Process(() -> appendThroughNested(d, childEnd));
            p.start();
            pipe.conn1().send(q);
            p.join();
            assertEquals(0, p.exitcode());
        }
        assertEquals(List.of("from parent", "from child"), inner);
        assertEquals("through a pipe", q.poll());
    }

    /** A user's own type: an interface, and a class that implements it. */
    public interface Counter {
        int increment();

        int value() throws java.io.IOException;
    }

    static final class SimpleCounter implements Counter {
        private int n;

        @Override
        public synchronized int increment() {
            return ++n;
        }

        @Override
        public synchronized int value() throws java.io.IOException {
            if (n < 0) {
                throw new java.io.IOException("negative");
            }
            return n;
        }
    }

    private static Counter failingFactory() {
        throw new IllegalStateException("factory refuses");
    }

    private static void incrementTwice(Counter c) {
        c.increment();
        c.increment();
    }

    @Test
    void registeredTypesAndFailingFactories() throws Exception {
        try (BaseManager m = new BaseManager()) {
            m.register("Counter", SimpleCounter::new);
            m.register("Broken", ManagerTest::failingFactory);
            m.register("NotACounter", () -> "a string");
            m.start();
            assertThrows(IllegalStateException.class, () -> m.register("late", SimpleCounter::new));
            Counter c = m.create("Counter", Counter.class);
            assertEquals(1, c.increment());
            Process p = new Process(() -> incrementTwice(c));
            p.start();
            p.join();
            assertEquals(3, c.value());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.create("Broken", Counter.class));
            assertEquals("factory refuses", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> m.create("NotACounter", Counter.class));
            assertThrows(IllegalArgumentException.class, () -> m.create("nobody", Counter.class));
            assertEquals(4, c.increment(), "the manager goes on after a factory failed");
            assertEquals(1, m.create("Counter", Counter.class).increment(), "a new object per create");
        }
    }

    @Test
    void locksAndConditionsAreOwnedByTheCallingThread() throws Exception {
        Lock lock = manager.lock();
        Condition ready = manager.condition(lock);
        List<Object> flag = manager.list();
        Thread t = new Thread(() -> {
            lock.lock();
            try {
                flag.add("set");
                ready.signalAll();
            } finally {
                lock.unlock();
            }
        });
        lock.lock();
        try {
            t.start();
            while (flag.isEmpty()) {
                assertTrue(ready.await(60, TimeUnit.SECONDS));
            }
        } finally {
            lock.unlock();
        }
        t.join();
        assertThrows(IllegalMonitorStateException.class, lock::unlock);
        assertTrue(lock.tryLock());
        lock.unlock();
    }

    private static void meetAndSignal(SyncManager.BarrierProxy barrier, SyncManager.EventProxy event, List<Object> out) {
        out.add(barrier.await(java.time.Duration.ofSeconds(120)));
        event.set();
    }

    @Test
    void eventsSemaphoresAndBarriers() {
        SyncManager.EventProxy event = manager.event();
        SyncManager.SemaphoreProxy sem = manager.semaphore(2);
        SyncManager.BarrierProxy barrier = manager.barrier(2);
        List<Object> out = manager.list();
        assertFalse(event.isSet());
        assertFalse(event.await(java.time.Duration.ofMillis(10)));
        sem.acquire();
        assertTrue(sem.acquire(java.time.Duration.ZERO));
        assertFalse(sem.acquire(java.time.Duration.ofMillis(10)));
        assertEquals(0, sem.getValue());
        sem.release();
        assertEquals(1, sem.getValue());
        assertThrows(IllegalArgumentException.class, () -> manager.semaphore(-1));

        Process p = new Process(() -> meetAndSignal(barrier, event, out));
        p.start();
        int mine = barrier.await(java.time.Duration.ofSeconds(120));
        event.await();
        p.join();
        assertEquals(0, p.exitcode());
        assertEquals(java.util.Set.of(0, 1), java.util.Set.of(mine, out.get(0)), "arrival indices 0 and 1");
        assertTrue(event.isSet());
        assertEquals(2, barrier.parties());
        assertThrows(BrokenBarrierError.class, () -> barrier.await(java.time.Duration.ofMillis(10)));
        assertTrue(barrier.broken());
        barrier.reset();
        assertFalse(barrier.broken());
    }

    @Test
    void valuesAndArrays() {
        SyncManager.ValueProxy v = manager.value('d', 0.0);
        v.setValue(3.1415927);
        assertEquals(3.1415927, v.value());
        List<Number> a = manager.array('i', List.of(0, 1, 2, 3));
        for (int i = 0; i < a.size(); i++) {
            a.set(i, -a.get(i).longValue());
        }
        assertEquals(List.of(0L, -1L, -2L, -3L), a);
        assertThrows(UnsupportedOperationException.class, () -> a.add(4L));
        assertThrows(IllegalArgumentException.class, () -> manager.value('z', 1));
    }

    @Test
    void wrongAuthkeyIsAnAuthenticationError() {
        BaseManager intruder = new BaseManager(manager.address(), "wrong".getBytes());
        assertThrows(AuthenticationError.class, intruder::connect);
    }

    private static void useFromAnotherConnection(Object address, byte[] key, List<Object> out) {
        try (SyncManager m = new SyncManager(address, key)) {
            m.connect();
            Map<Object, Object> d = m.dict();
            d.put("k", "v");
            out.add(d);
        }
    }

    @Test
    void tcpManagerServesConnectedClients() {
        byte[] key = "tcp key".getBytes();
        try (SyncManager m = new SyncManager(new java.net.InetSocketAddress("127.0.0.1", 0), key)) {
            m.start();
            java.net.InetSocketAddress at = (java.net.InetSocketAddress) m.address();
            assertTrue(at.getPort() > 0, at.toString());
            List<Object> out = m.list();
            Process p = new Process(() -> useFromAnotherConnection(at, key, out));
            p.start();
            p.join();
            assertEquals(0, p.exitcode());
            @SuppressWarnings("unchecked")
            Map<Object, Object> d = (Map<Object, Object>) out.get(0);
            assertEquals(Map.of("k", "v"), new HashMap<>(d));
            assertInstanceOf(Set.class, d.keySet());
        }
    }
}
