package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.posix.Linux;
import dev.jmp.posix.Posix;
import java.io.NotSerializableException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Queue, JoinableQueue and SimpleQueue within one process (threads where two sides
 * are needed): FIFO and item forms, sizes that spill, bounds, timeouts, interrupts,
 * close, the error types of API.md, many live queues, and that nothing is left in
 * the kernel afterwards. QueueProcessTest does the same across child JVMs.
 */
class QueueTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    @AfterAll
    static void nothingOfOursLeft() throws Exception {
        QueueObjects.awaitNoneOf(ProcessHandle.current().pid());
    }

    record Point(int x, String label) implements Serializable {
    }

    static List<Object> mixedItems() {
        Map<String, Integer> map = new HashMap<>();
        map.put("a", 1);
        return Arrays.asList(0, -1, Integer.MIN_VALUE, 42L, Long.MAX_VALUE, 3.5, Double.NaN, -0.0, "", "hello",
                "héllo wörld", "日本語", "\ud800 lone surrogate", new byte[0], new byte[] {1, 2, 3}, null,
                new Point(7, "p"), map, List.of(1, 2, 3), true, 'c', (short) 5, 2.5f, new int[] {4, 5});
    }

    static void assertSameItem(Object expected, Object actual) {
        if (expected == null) {
            assertNull(actual);
            return;
        }
        assertEquals(expected.getClass(), actual.getClass());
        if (expected instanceof byte[]) {
            assertArrayEquals((byte[]) expected, (byte[]) actual);
        } else if (expected instanceof int[]) {
            assertArrayEquals((int[]) expected, (int[]) actual);
        } else if (expected instanceof double[]) {
            assertArrayEquals((double[]) expected, (double[]) actual);
        } else {
            assertEquals(expected, actual);
        }
    }

    @Test
    void fifoOfEveryKindOfItem() {
        Queue<Object> q = new Queue<>();
        List<Object> items = mixedItems();
        for (int round = 0; round < 3; round++) {     // more than the 10 the message queue holds
            for (Object o : items) {
                q.put(o);
            }
        }
        assertEquals(3 * items.size(), q.qsize());
        assertFalse(q.empty());
        for (int round = 0; round < 3; round++) {
            for (Object o : items) {
                assertSameItem(o, q.get(LONG));
            }
        }
        assertEquals(0, q.qsize());
        assertTrue(q.empty());
        assertThrows(Queue.Empty.class, q::getNowait);
    }

    @Test
    void largeItemsSpillAndLeaveNothingBehind() throws Exception {
        Queue<Object> q = new Queue<>();
        SimpleQueue<Object> s = new SimpleQueue<>();
        byte[] eightK = pattern(8 * 1024 + 1);
        byte[] oneM = pattern(1024 * 1024 + 7);
        String text = "x".repeat(20_000) + "é" + "日".repeat(5000);
        ArrayList<Integer> list = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            list.add(i);
        }
        for (Object o : new Object[] {eightK, oneM, text, list}) {
            q.put(o);
            s.put(o);
        }
        for (Object o : new Object[] {eightK, oneM, text, list}) {
            assertSameItem(o, q.get(LONG));
            assertSameItem(o, s.get());
        }
        // Every spill was unlinked or its slot freed by its consumer: no item is left.
        long me = ProcessHandle.current().pid();
        assertEquals(List.of(), QueueObjects.spilledOf(me));
        assertTrue(Files.exists(QueueObjects.arenaOf(q.mqName())), "items of up to a slot went through the arena");
        assertEquals(0, QueueObjects.slotsTaken(QueueObjects.arenaOf(q.mqName())));
    }

    /**
     * A slot of the arena is longer than the next item it carries (the bytes of a
     * longer item stay behind it): the item is still exactly what was put. Items taken
     * one at a time reuse the lowest slot, an item larger than a slot goes to a file of
     * its own, and a burst of more items than there are slots takes every slot and
     * then files, all of them arriving whole and in order.
     */
    @Test
    void arenaSlotsCarryExactlyTheNextItemAndABurstOverflowsIntoFiles() throws Exception {
        long me = ProcessHandle.current().pid();
        Queue<Object> q = new Queue<>();
        Path arena = QueueObjects.arenaOf(q.mqName());
        byte[] big = pattern(1024 * 1024);                         // a slot's size
        byte[] small = new byte[9000];
        java.util.Arrays.fill(small, (byte) 7);
        double[] doubles = new double[3000];
        java.util.Arrays.fill(doubles, 2.5);
        for (int round = 0; round < 3; round++) {
            q.put(big);
            assertSameItem(big, q.get(LONG));
            q.put(small);
            assertSameItem(small, q.get(LONG));
            q.put(doubles);
            assertSameItem(doubles, q.get(LONG));
        }
        assertEquals(List.of(), QueueObjects.spilledOf(me), "every item went through a slot");
        assertEquals(0, QueueObjects.slotsTaken(arena));

        byte[] huge = pattern(1024 * 1024 + 1);                    // over a slot
        q.put(huge);
        assertEquals(1, QueueObjects.spilledOf(me).size(), "put writes a spill in the calling thread");
        assertEquals(0, QueueObjects.slotsTaken(arena));
        assertSameItem(huge, q.get(LONG));
        assertEquals(List.of(), QueueObjects.spilledOf(me));

        int slots = QueueObjects.slots(arena);
        List<byte[]> burst = new ArrayList<>();
        for (int i = 0; i < slots + 3; i++) {
            byte[] item = pattern(10_000 + i);
            burst.add(item);
            q.put(item);
        }
        assertEquals(slots, QueueObjects.slotsTaken(arena), "the burst took every slot");
        assertEquals(3, QueueObjects.spilledOf(me).size(), "and then files");
        for (byte[] item : burst) {
            assertSameItem(item, q.get(LONG));
        }
        assertEquals(0, QueueObjects.slotsTaken(arena));
        assertEquals(List.of(), QueueObjects.spilledOf(me));
    }

    static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    @Test
    void boundedQueueOfAnySizeCountsItsItems() {
        Queue<Integer> q = new Queue<>(100);             // ten times what a message queue holds
        for (int i = 0; i < 100; i++) {
            q.putNowait(i);
        }
        assertTrue(q.full());
        assertEquals(100, q.qsize());
        assertThrows(Queue.Full.class, () -> q.putNowait(100));
        assertThrows(Queue.Full.class, () -> q.put(100, false));
        for (int i = 0; i < 100; i++) {
            assertEquals(i, q.get());
            assertFalse(q.full());
        }
        assertEquals(0, q.qsize());
        assertTrue(q.empty());
    }

    @Test
    void emptyAndFullHonourTheirTimeouts() {
        Queue<Integer> q = new Queue<>(1);
        long t0 = System.nanoTime();
        assertThrows(Queue.Empty.class, () -> q.get(Duration.ofMillis(200)));
        long waited = System.nanoTime() - t0;
        assertTrue(waited >= 190_000_000L && waited < 5_000_000_000L, "get waited " + waited / 1e6 + " ms");

        t0 = System.nanoTime();
        assertThrows(Queue.Empty.class, () -> q.get(false));
        assertThrows(Queue.Empty.class, () -> q.get(Duration.ZERO));
        assertThrows(Queue.Empty.class, () -> q.get(Duration.ofMillis(-5)));
        assertTrue(System.nanoTime() - t0 < 1_000_000_000L, "non-blocking get waited");

        q.put(1);
        t0 = System.nanoTime();
        assertThrows(Queue.Full.class, () -> q.put(2, Duration.ofMillis(200)));
        waited = System.nanoTime() - t0;
        assertTrue(waited >= 190_000_000L && waited < 5_000_000_000L, "put waited " + waited / 1e6 + " ms");
        assertEquals(1, q.get(Duration.ZERO));
        q.put(3, Duration.ofMillis(200));
        assertEquals(3, q.getNowait());
    }

    @Test
    void badObjectFailsThePutItselfAndCostsNothing() {
        Queue<Object> q = new Queue<>(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> q.put(new Object()));
        assertInstanceOf(NotSerializableException.class, e.getCause());
        assertTrue(e.getMessage().startsWith("cannot put"), e.getMessage());
        List<Object> bad = new ArrayList<>(List.of(1, new Thread()));
        assertThrows(IllegalArgumentException.class, () -> q.putNowait(bad));
        assertEquals(0, q.qsize(), "a failed put takes no place in the queue");
        q.put(1);
        q.put(2);
        assertTrue(q.full());
        assertEquals(1, q.get());
        SimpleQueue<Object> s = new SimpleQueue<>();
        assertInstanceOf(NotSerializableException.class,
                assertThrows(IllegalArgumentException.class, () -> s.put(new Object())).getCause());
        JoinableQueue<Object> j = new JoinableQueue<>();
        assertThrows(IllegalArgumentException.class, () -> j.put(new Object()));
        j.join();       // the failed put left no unfinished task behind
    }

    @Test
    void closedQueuesRefuseAndJoinTheirThread() {
        Queue<Integer> q = new Queue<>();
        IllegalStateException notClosed = assertThrows(IllegalStateException.class, q::joinThread);
        assertTrue(notClosed.getMessage().contains("not closed"));
        for (int i = 0; i < 30; i++) {         // 20 of them wait in the feeder's buffer
            q.put(i);
        }
        q.close();
        assertThrows(IllegalStateException.class, () -> q.put(1));
        assertThrows(IllegalStateException.class, () -> q.putNowait(1));
        assertThrows(IllegalStateException.class, q::get);
        assertThrows(IllegalStateException.class, q::getNowait);
        assertThrows(IllegalStateException.class, q::qsize);
        // The buffered items are still flushed after close: another copy of the queue
        // in this process (as a child would hold) receives all 30.
        Queue<Integer> other = copy(q);
        for (int i = 0; i < 30; i++) {
            assertEquals(i, other.get(LONG));
        }
        q.joinThread();
        q.close();                              // twice is harmless

        SimpleQueue<Integer> s = new SimpleQueue<>();
        s.close();
        assertThrows(IllegalStateException.class, () -> s.put(1));
        assertThrows(IllegalStateException.class, s::get);
        assertThrows(IllegalStateException.class, s::empty);

        Queue<Integer> c = new Queue<>();
        c.cancelJoinThread();
        c.close();
        c.joinThread();                          // returns at once
    }

    /** A second Queue object for the same queue, as serialization makes in another process. */
    @SuppressWarnings("unchecked")
    static <T> T copy(T obj) {
        try {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
                out.writeObject(obj);
            }
            try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                    new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
                return (T) in.readObject();
            }
        } catch (java.io.IOException | ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aQueueTravelsInsideAQueue() {
        Queue<Queue<String>> outer = new Queue<>();
        Queue<String> inner = new Queue<>();
        SimpleQueue<String> simple = new SimpleQueue<>();
        JoinableQueue<String> joinable = new JoinableQueue<>();
        Queue<Object> any = new Queue<>();
        outer.put(inner);
        any.put(simple);
        any.put(joinable);
        Queue<String> arrived = outer.get(LONG);
        arrived.put("through the copy");
        assertEquals("through the copy", inner.get(LONG));
        @SuppressWarnings("unchecked")
        SimpleQueue<String> s2 = (SimpleQueue<String>) any.get(LONG);
        s2.put("s");
        assertEquals("s", simple.get());
        @SuppressWarnings("unchecked")
        JoinableQueue<String> j2 = (JoinableQueue<String>) any.get(LONG);
        joinable.put("task");
        assertEquals("task", j2.get(LONG));
        j2.taskDone();
        joinable.join();
        assertTrue(arrived.toString().contains(inner.mqName()), arrived.toString());
    }

    @Test
    void joinableQueueCountsTasks() throws Exception {
        JoinableQueue<Integer> q = new JoinableQueue<>();
        q.join();                                          // nothing put: returns at once
        assertThrows(IllegalStateException.class, q::taskDone);
        for (int i = 0; i < 25; i++) {
            q.put(i);
        }
        CountDownLatch joined = new CountDownLatch(1);
        Thread joiner = new Thread(() -> {
            q.join();
            joined.countDown();
        });
        joiner.start();
        for (int i = 0; i < 25; i++) {
            assertEquals(i, q.get(LONG));
            assertEquals(1, joined.getCount(), "join returned with a task unfinished");
            q.taskDone();
        }
        assertTrue(joined.await(30, java.util.concurrent.TimeUnit.SECONDS));
        joiner.join();
        IllegalStateException e = assertThrows(IllegalStateException.class, q::taskDone);
        assertTrue(e.getMessage().contains("too many times"));
    }

    @Test
    void simpleQueueIsFifo() {
        SimpleQueue<Object> s = new SimpleQueue<>();
        assertTrue(s.empty());
        List<Object> items = mixedItems();
        Thread producer = new Thread(() -> {
            for (int i = 0; i < 3; i++) {
                for (Object o : items) {
                    s.put(o);                        // blocks while the 10 slots are full
                }
            }
        });
        producer.start();
        for (int i = 0; i < 3; i++) {
            for (Object o : items) {
                assertSameItem(o, s.get());
            }
        }
        assertTrue(s.empty());
    }

    // ---- interrupts ---------------------------------------------------------------

    /** Runs {@code blocked} in a thread, interrupts it once it waits, checks InterruptedError and the flag. */
    static void assertInterruptible(String what, Consumer<CountDownLatch> blocked) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> flag = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                blocked.accept(started);
            } catch (Throwable e) {
                thrown.set(e);
                flag.set(Thread.currentThread().isInterrupted());
            }
        });
        t.start();
        assertTrue(started.await(30, java.util.concurrent.TimeUnit.SECONDS));
        // Let it reach the kernel wait (a spin of microseconds, then poll/sem_clockwait):
        // whenever the interrupt lands, it must end the wait.
        t.join(100);
        assertTrue(t.isAlive(), what + " did not block");
        long t0 = System.nanoTime();
        t.interrupt();
        t.join(5000);
        assertFalse(t.isAlive(), what + " did not wake on interrupt");
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L);
        assertInstanceOf(InterruptedError.class, thrown.get(), what);
        assertTrue(flag.get(), what + ": interrupt flag set again");
    }

    @Test
    void blockedCallsWakeOnInterrupt() throws Exception {
        Queue<Integer> q = new Queue<>();
        assertInterruptible("get", started -> {
            started.countDown();
            q.get();
        });
        assertInterruptible("get with a timeout", started -> {
            started.countDown();
            q.get(Duration.ofSeconds(60));
        });
        Queue<Integer> bounded = new Queue<>(1);
        bounded.put(0);
        assertInterruptible("put on a full queue", started -> {
            started.countDown();
            bounded.put(1);
        });
        assertEquals(1, bounded.qsize(), "the interrupted put took no place");
        SimpleQueue<Integer> s = new SimpleQueue<>();
        assertInterruptible("SimpleQueue.get", started -> {
            started.countDown();
            s.get();
        });
        for (int i = 0; i < 10; i++) {
            s.put(i);                                   // now the message queue is full
        }
        assertInterruptible("SimpleQueue.put on a full queue", started -> {
            started.countDown();
            s.put(10);
        });
        JoinableQueue<Integer> j = new JoinableQueue<>();
        j.put(1);
        assertInterruptible("JoinableQueue.join", started -> {
            started.countDown();
            j.join();
        });
        // Still usable afterwards.
        assertEquals(0, bounded.get());
        assertEquals(0, s.get());
        assertEquals(1, j.get());
        j.taskDone();
        j.join();
    }

    // ---- many queues, lifetime ------------------------------------------------------

    /**
     * Many at once, a third of root's quota: the test runs as root, whose 800 KiB are
     * shared with every root process here (a benchmark's C side alone takes 10 x 8 KiB
     * queues). The 60-queue case runs as nobody, on a quota of its own
     * (QueueUnprivilegedTest).
     */
    @Test
    void manyLiveQueuesAtOnce() {
        List<Queue<Integer>> queues = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            queues.add(i % 3 == 0 ? new JoinableQueue<>() : new Queue<>());
        }
        List<SimpleQueue<Integer>> simple = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            simple.add(new SimpleQueue<>());
        }
        for (int i = 0; i < queues.size(); i++) {
            queues.get(i).put(i);
        }
        for (int i = 0; i < simple.size(); i++) {
            simple.get(i).put(i);
        }
        for (int i = 0; i < queues.size(); i++) {
            assertEquals(i, queues.get(i).get(LONG));
        }
        for (int i = 0; i < simple.size(); i++) {
            assertEquals(i, simple.get(i).get());
        }
    }

    /**
     * Dropped by its creator with items nobody took, two of them spilled, and a feeder
     * thread blocked on the full message queue with five more (two spilled): the
     * feeder drops its buffer, and the queue goes with its spill directory.
     */
    @Test
    void aDroppedQueueIsUnlinkedWithItsUnreceivedSpills() throws Exception {
        Queue<Object> q = new Queue<>();
        q.put(pattern(100_000));
        q.put(pattern(200_000));
        for (int i = 0; i < 11; i++) {
            q.put(i == 9 || i == 10 ? pattern(50_000) : i);
        }
        String name = q.mqName();
        Path spillDir = Path.of("/dev/shm", name.substring(1));
        assertTrue(Files.isDirectory(spillDir));
        assertEquals(4, QueueObjects.slotsTaken(QueueObjects.arenaOf(name)), "the spilled items are in slots");
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("jmp-queue-feeder-" + name.substring(1)) && t.isDaemon()));
        q = null;
        ShmObjects.awaitGone(spillDir);
        QueueObjects.assertNoMessageQueue(name);
    }

    @Test
    void messageQueueNamesAreChecked() {
        // What arrives from another process is checked before it is used as a kernel name.
        assertFalse(dev.jmp.queue.MessageQueue.validName("/etc/passwd"));
        assertFalse(dev.jmp.queue.MessageQueue.validName("/jmp.1.a/../../x"));
        assertFalse(dev.jmp.queue.MessageQueue.validName("jmp.1.abc"));
        assertTrue(dev.jmp.queue.MessageQueue.validName("/jmp.42.abcdefghij234567"));
    }

    @Test
    void foreignMessagesGiveAClearError() {
        SimpleQueue<Object> q = new SimpleQueue<>();
        Posix posix = Posix.libc();
        int mqd = posix.mq_open(q.mqName(), Linux.O_WRONLY);
        try {
            posix.mq_timedsend(mqd, new byte[] {0x7f, 1, 2}, 0, 3, 0, -1);
            posix.mq_timedsend(mqd, new byte[] {(byte) 0xac, (byte) 0xed, 0, 5, 0x73, 0x72, 9}, 0, 7, 0, -1);
            posix.mq_timedsend(mqd, new byte[] {0x01, 0, 0, 0, 0, 0, 0, 0, 5, 'j', 'm', 'p', '.', '1', '.', 'x'},
                    0, 16, 0, -1);
            posix.mq_timedsend(mqd, new byte[] {0x01, 0, 0, 0, 0, 0, 0, 0, 5, '.', '.', '/', 'x'}, 0, 13, 0, -1);
            posix.mq_timedsend(mqd, new byte[] {0x03, 0, 0}, 0, 3, 0, -1);
        } finally {
            posix.mq_close(mqd);
        }
        // Each fails alone, with ProcessError, and the queue goes on working.
        for (int i = 0; i < 5; i++) {
            ProcessError e = assertThrows(ProcessError.class, q::get);
            assertTrue(e.getMessage().startsWith("get:") || e.getMessage().startsWith("recv:"), e.getMessage());
        }
        q.put("fine");
        assertEquals("fine", q.get());
    }
}
