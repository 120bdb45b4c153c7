package dev.jmp;

import static dev.jmp.ChildChecks.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.posix.Posix;
import dev.jmp.queue.MessageQueue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Queues between real child JVMs. Children report through their exit code (0: every
 * check passed, another number names the failed check) and through the queues under
 * test; each child does several jobs, to keep the number of JVMs down.
 */
class QueueProcessTest {
    private static final Duration LONG = Duration.ofSeconds(60);
    private static final long ME = ProcessHandle.current().pid();

    @AfterAll
    static void nothingOfOursLeft() throws Exception {
        QueueObjects.awaitNoneOf(ME);
    }

    static Process start(Task target) {
        Process p = new Process(target);
        p.start();
        return p;
    }

    static int joinCode(Process p) {
        p.join(LONG);
        if (p.exitcode() == null) {
            p.kill();
            p.join();
            throw new AssertionError(p + " did not end in time");
        }
        return p.exitcode();
    }

    // ---- one producer: FIFO, every kind of item, items that outlive their producer -----

    static final int FIFO_ITEMS = 3000;

    static List<Object> lastItems() {
        return Arrays.asList(-5, "hello", QueueTest.pattern(8 * 1024 + 3), QueueTest.pattern(1024 * 1024 + 3),
                new QueueTest.Point(1, "one"), null, "日本語", 7L, 2.5, List.of("a", "b"));
    }

    /**
     * The child: puts FIFO_ITEMS ints while the parent takes them; gets a Queue from a
     * Queue and a SimpleQueue from a Pipe and answers on both; then puts ten last
     * items (two of them spill) and exits at once: they must outlive it.
     */
    static void producer(Queue<Object> q, Queue<Queue<String>> outer, Connection conn) {
        for (int i = 0; i < FIFO_ITEMS; i++) {
            q.put(i);
        }
        Queue<String> inner = outer.get(LONG);
        inner.put("answer through a Queue that came in a Queue");
        SimpleQueue<String> viaPipe = conn.recv();
        viaPipe.put("answer through a SimpleQueue that came through a Pipe");
        for (Object o : lastItems()) {
            q.put(o);
        }
    }

    @Test
    void oneProducerIsFifoAndItsItemsOutliveIt() throws Exception {
        Queue<Object> q = new Queue<>();
        Queue<Queue<String>> outer = new Queue<>();
        Queue<String> inner = new Queue<>();
        SimpleQueue<String> simple = new SimpleQueue<>();
        Pipe pipe = Pipe.open();
        Connection theirs = pipe.conn2();
        Process child = start(() -> producer(q, outer, theirs));
        for (int i = 0; i < FIFO_ITEMS; i++) {
            assertEquals(i, q.get(LONG));
        }
        outer.put(inner);
        pipe.conn1().send(simple);
        assertEquals("answer through a Queue that came in a Queue", inner.get(LONG));
        assertEquals("answer through a SimpleQueue that came through a Pipe", simple.get());
        // Joined before its last items are taken: ten fit in the message queue, so the
        // child's exit flush completes, and the spilled ones survive their producer.
        assertEquals(0, joinCode(child));
        for (Object o : lastItems()) {
            QueueTest.assertSameItem(o, q.get(LONG));
        }
        assertTrue(q.empty());
        assertEquals(List.of(), ShmObjects.of(child.pid()));
        assertEquals(List.of(), QueueObjects.spilledBy(ME, child.pid()));
        assertEquals(0, QueueObjects.slotsTaken(QueueObjects.arenaOf(q.mqName())),
                "the item the child left in a slot of the arena it made was read, and its slot freed");
        pipe.close();
    }

    // ---- many producers, many consumers ---------------------------------------------

    static final int STOP = -1;

    static void manyProducer(Queue<Integer> q, int producer, int perProducer) {
        for (int i = 0; i < perProducer; i++) {
            q.put(producer * perProducer + i);
        }
    }

    /** Takes until STOP; each producer's items must come in its order; reports what it got. */
    static void manyConsumer(Queue<Integer> q, Queue<BitSet> results, int producers, int perProducer) {
        BitSet got = new BitSet();
        int[] last = new int[producers];
        Arrays.fill(last, -1);
        while (true) {
            int item = q.get(LONG);
            if (item == STOP) {
                break;
            }
            check(item >= 0 && item < producers * perProducer, 2);
            check(!got.get(item), 3);                       // duplicate
            got.set(item);
            int p = item / perProducer;
            check(item > last[p], 4);                       // out of the producer's order
            last[p] = item;
        }
        results.put(got);
    }

    static void producersAndConsumers(int producers, int consumers, int perProducer) {
        Queue<Integer> q = new Queue<>();
        Queue<BitSet> results = new Queue<>();
        List<Process> ps = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            ps.add(start(() -> manyConsumer(q, results, producers, perProducer)));
        }
        List<Process> producing = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int id = p;
            producing.add(start(() -> manyProducer(q, id, perProducer)));
        }
        for (Process p : producing) {
            assertEquals(0, joinCode(p), "producer");
        }
        for (int c = 0; c < consumers; c++) {
            q.put(STOP);
        }
        BitSet all = new BitSet();
        int total = 0;
        for (int c = 0; c < consumers; c++) {
            BitSet got = results.get(LONG);
            total += got.cardinality();
            all.or(got);
        }
        for (Process p : ps) {
            assertEquals(0, joinCode(p), "consumer");
        }
        assertEquals(producers * perProducer, all.cardinality(), "items lost");
        assertEquals(producers * perProducer, total, "items duplicated");
        assertEquals(0, q.qsize());
    }

    @Test
    void twoProducersTwoConsumersLoseAndDuplicateNothing() {
        producersAndConsumers(2, 2, 2500);
    }

    @Test
    @Tag("stress")
    void fourProducersFourConsumersTenThousandEach() {
        producersAndConsumers(4, 4, 10_000);
    }

    /**
     * Spilled items through the arena's slots (and files, when a burst takes every slot):
     * item {@code id} is {@code spilledItem(id)}, of a size that varies (a slot is often
     * longer than the item it carries next), so that a slot read while it is rewritten,
     * or read past its item, shows.
     */
    static byte[] spilledItem(int id) {
        byte[] b = new byte[2000 + id * 37 % 9000];
        Arrays.fill(b, (byte) (id * 31));
        b[0] = (byte) (id >>> 24);
        b[1] = (byte) (id >>> 16);
        b[2] = (byte) (id >>> 8);
        b[3] = (byte) id;
        return b;
    }

    static void spillingProducer(Queue<byte[]> q, int producer, int perProducer) {
        for (int i = 0; i < perProducer; i++) {
            q.put(spilledItem(producer * perProducer + i));
        }
    }

    static void spilledConsumer(Queue<byte[]> q, Queue<BitSet> results, int items) {
        BitSet got = new BitSet();
        while (true) {
            byte[] b = q.get(LONG);
            if (b.length == 0) {
                break;
            }
            int id = (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | b[3] & 0xff;
            check(id >= 0 && id < items, 2);
            check(!got.get(id), 3);                         // duplicate
            check(Arrays.equals(b, spilledItem(id)), 4);    // mixed with another item's bytes
            got.set(id);
        }
        results.put(got);
    }

    @Test
    void spilledItemsOfTwoProducersAndTwoConsumersAreNeitherLostNorDuplicatedNorMixed() throws Exception {
        int producers = 2;
        int per = 400;
        Queue<byte[]> q = new Queue<>();
        Queue<BitSet> results = new Queue<>();
        List<Process> consuming = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            consuming.add(start(() -> spilledConsumer(q, results, producers * per)));
        }
        List<Process> producing = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int id = p;
            producing.add(start(() -> spillingProducer(q, id, per)));
        }
        for (Process p : producing) {
            assertEquals(0, joinCode(p), "producer");
        }
        q.put(new byte[0]);
        q.put(new byte[0]);
        BitSet all = new BitSet();
        int total = 0;
        for (int c = 0; c < 2; c++) {
            BitSet got = results.get(LONG);
            total += got.cardinality();
            all.or(got);
        }
        for (Process p : consuming) {
            assertEquals(0, joinCode(p), "consumer");
        }
        assertEquals(producers * per, all.cardinality(), "items lost");
        assertEquals(producers * per, total, "items duplicated");
        assertEquals(List.of(), QueueObjects.spilledOf(ME), "every item's file unlinked");
        assertEquals(0, QueueObjects.slotsTaken(QueueObjects.arenaOf(q.mqName())), "every item's slot freed");
    }

    static void hundredMiB(Queue<byte[]> q) {
        byte[] b = QueueTest.pattern(100 * 1024 * 1024 + 1);
        q.put(b);
    }

    @Test
    @Tag("stress")
    void aHundredMiBItemOutlivesItsProducer() throws Exception {
        Queue<byte[]> q = new Queue<>();
        Process child = start(() -> hundredMiB(q));
        assertEquals(0, joinCode(child));
        byte[] b = q.get(LONG);
        assertEquals(100 * 1024 * 1024 + 1, b.length);
        assertTrue(Arrays.equals(QueueTest.pattern(b.length), b));
        assertEquals(List.of(), QueueObjects.spilledOf(ME));
    }

    // ---- a bounded queue with a slow consumer ----------------------------------------

    static void slowConsumer(Queue<Integer> q, int n) {
        for (int i = 0; i < n; i++) {
            check(q.get(LONG) == i, 2);
            if (i % 10 == 0) {
                try {
                    Thread.sleep(1);     // pacing, not synchronization: the consumer is slow
                } catch (InterruptedException e) {
                    System.exit(3);
                }
            }
        }
    }

    @Test
    void maxsizeHundredWithASlowConsumer() {
        Queue<Integer> q = new Queue<>(100);
        int n = 400;
        Process child = start(() -> slowConsumer(q, n));
        int fullSeen = 0;
        for (int i = 0; i < n; i++) {
            try {
                q.putNowait(i);
            } catch (Queue.Full full) {
                fullSeen++;
                q.put(i);                 // waits for the consumer
            }
            assertTrue(q.qsize() <= 100, "qsize " + q.qsize());
        }
        assertTrue(fullSeen > 0, "the producer never ran ahead of the slow consumer");
        assertEquals(0, joinCode(child));
        assertEquals(0, q.qsize());
    }

    // ---- JoinableQueue and SimpleQueue -----------------------------------------------

    static void worker(JoinableQueue<Integer> tasks, SimpleQueue<Integer> done) {
        while (true) {
            int t = tasks.get(LONG);
            if (t == STOP) {
                tasks.taskDone();
                return;
            }
            done.put(t * 2);
            tasks.taskDone();
        }
    }

    @Test
    void joinableQueueWaitsForEveryTaskOfEveryWorker() {
        JoinableQueue<Integer> tasks = new JoinableQueue<>(5);
        SimpleQueue<Integer> done = new SimpleQueue<>();
        List<Process> workers = List.of(start(() -> worker(tasks, done)), start(() -> worker(tasks, done)));
        int n = 60;
        List<Integer> results = new ArrayList<>();
        Thread collector = new Thread(() -> {
            for (int i = 0; i < n; i++) {
                results.add(done.get());
            }
        });
        collector.start();
        for (int i = 0; i < n; i++) {
            tasks.put(i);
        }
        tasks.join();
        try {
            collector.join(LONG.toMillis());
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertEquals(n, results.size(), "join returned before every task was done");
        long sum = results.stream().mapToLong(Integer::longValue).sum();
        assertEquals(2L * n * (n - 1) / 2, sum);
        assertThrows(IllegalStateException.class, tasks::taskDone);
        tasks.put(STOP);
        tasks.put(STOP);
        tasks.join();
        for (Process w : workers) {
            assertEquals(0, joinCode(w));
        }
        assertTrue(done.empty());
    }

    // ---- killed consumers and spilled items --------------------------------------------

    static final int BIG = 4 * 1024 * 1024;

    static void bigProducer(Queue<byte[]> q, int n) {
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[BIG];
            b[0] = (byte) i;
            q.put(b);
        }
    }

    /** Receives one spill reference with the raw message queue, then dies before it can unlink it. */
    static void diesHoldingAReference(String mqName) {
        MessageQueue mq = MessageQueue.attach(mqName);
        byte[] buf = new byte[mq.msgsize()];
        int n = mq.receive(buf, dev.jmp.blocking.Deadline.after(LONG), "test");
        check(n > 0 && buf[0] == 0x01, 2);
        Posix.libc().kill(Posix.libc().getpid(), 9);
    }

    /** Takes big items as fast as it can, saying so after each; the test kills it meanwhile. */
    static void greedyConsumer(Queue<byte[]> q, Semaphore took) {
        while (true) {
            q.get(LONG);
            took.release();
        }
    }

    @Test
    void killedConsumersLeaveNothingOnceTheQueueIsDropped() throws Exception {
        String name = killConsumers();
        // Only the orphan (or, rarely, a second one) is left; it goes with the queue.
        ShmObjects.awaitGone(Path.of("/dev/shm", name.substring(1)));
        QueueObjects.assertNoMessageQueue(name);
        assertEquals(List.of(), QueueObjects.spilledOf(ME));
    }

    /** The queue's name; the queue itself is unreachable once this returns. */
    private static String killConsumers() throws Exception {
        Queue<byte[]> q = new Queue<>();
        String name = q.mqName();
        Process producer = start(() -> bigProducer(q, 3));
        // The worst moment: a consumer dies between receiving a reference and unlinking
        // its file. The file is then nobody's until the queue's creator drops the queue.
        Process dying = start(() -> diesHoldingAReference(name));
        assertEquals(-9, joinCode(dying));
        assertEquals(0, joinCode(producer));      // 2 references still in the queue
        List<String> orphans = QueueObjects.spilledBy(ME, producer.pid());
        assertEquals(3, orphans.size(), "one orphan and two waiting items: " + orphans);
        assertEquals(List.of(), ShmObjects.of(producer.pid()));

        // The usual moment: killed while taking a stream of big items (most likely in
        // the middle of reading one, which it has already unlinked).
        Semaphore took = new Semaphore(0);
        Process greedy = start(() -> greedyConsumer(q, took));
        Process producer2 = start(() -> bigProducer(q, 20));
        assertTrue(took.acquire(LONG));
        assertTrue(took.acquire(LONG));
        greedy.kill();
        assertEquals(-9, joinCode(greedy));
        // What is left in the queue is intact. (Taken while the producer still puts: its
        // exit waits until its buffered items are in the message queue.)
        int left = 0;
        while (true) {
            try {
                byte[] b = q.get(Duration.ofMillis(300));
                assertEquals(BIG, b.length);
                left++;
            } catch (Queue.Empty e) {
                if (!producer2.isAlive()) {
                    break;
                }
            }
        }
        assertEquals(0, joinCode(producer2));
        assertTrue(left > 0, "the greedy consumer cannot have taken all 20");
        List<String> stillThere = QueueObjects.spilledOf(ME);
        assertTrue(stillThere.size() >= 1 && stillThere.size() <= 2, stillThere.toString());
        return name;
    }

    // ---- exit: flush, cancel, and a child's own queues -----------------------------------

    static void putsThirtyThenExits(Queue<byte[]> q, Semaphore putting, boolean cancel) {
        for (int i = 0; i < 30; i++) {
            byte[] b = new byte[20_000];              // spilled: the dropped ones' slots (or files) must be freed
            b[0] = (byte) i;
            q.put(b);
        }
        if (cancel) {
            q.cancelJoinThread();
        }
        putting.release();
    }

    @Test
    void aChildFlushesItsBufferAtExitUnlessCancelled() throws Exception {
        Queue<byte[]> flushed = new Queue<>();
        Queue<byte[]> cancelled = new Queue<>();
        Semaphore putting = new Semaphore(0);
        Process flusher = start(() -> putsThirtyThenExits(flushed, putting, false));
        Process canceller = start(() -> putsThirtyThenExits(cancelled, putting, true));
        assertTrue(putting.acquire(LONG));
        assertTrue(putting.acquire(LONG));
        // The canceller exits with 20 items still buffered: they are lost, as in CPython.
        assertEquals(0, joinCode(canceller));
        // The flusher cannot: its exit waits until the message queue has taken them all.
        flusher.join(Duration.ofMillis(300));
        assertTrue(flusher.isAlive(), "exited with buffered items");
        for (int i = 0; i < 30; i++) {
            assertEquals((byte) i, flushed.get(LONG)[0]);
        }
        assertEquals(0, joinCode(flusher));
        for (int i = 0; i < 10; i++) {
            assertEquals((byte) i, cancelled.get(LONG)[0]);
        }
        assertThrows(Queue.Empty.class, () -> cancelled.get(Duration.ofMillis(200)));
        assertEquals(List.of(), QueueObjects.spilledBy(ME, canceller.pid()), "dropped items unlinked");
        assertEquals(0, QueueObjects.slotsTaken(QueueObjects.arenaOf(cancelled.mqName())), "dropped items' slots freed");
        assertEquals(List.of(), QueueObjects.spilledBy(ME, flusher.pid()));
    }

    /** Creates queues, leaves spilled and small items in them, reports the names, ends as told. */
    static void ownQueues(Queue<String> names, boolean fail) {
        Queue<Object> q = new Queue<>();
        JoinableQueue<Object> j = new JoinableQueue<>(3);
        SimpleQueue<Object> s = new SimpleQueue<>();
        for (Object o : new Object[] {1, QueueTest.pattern(50_000), "x"}) {
            q.put(o);
            j.put(o);
            s.put(o);
        }
        for (int i = 0; i < 20; i++) {
            q.put(i);          // buffered: this process created q, so its exit does not wait for them
        }
        names.put(q.mqName());
        names.put(j.mqName());
        names.put(s.mqName());
        if (fail) {
            throw new IllegalStateException("uncaught, on purpose");
        }
    }

    @Test
    void aChildsOwnQueuesGoWithIt() throws Exception {
        Queue<String> names = new Queue<>();
        Process normal = start(() -> ownQueues(names, false));
        Process failing = start(() -> ownQueues(names, true));
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            created.add(names.get(LONG));
        }
        assertEquals(0, joinCode(normal));
        assertEquals(1, joinCode(failing));
        for (String name : created) {
            QueueObjects.assertNoMessageQueue(name);
            assertFalse(Files.exists(Path.of("/dev/shm", name.substring(1))), name);
        }
        assertEquals(List.of(), ShmObjects.of(normal.pid()));
        assertEquals(List.of(), ShmObjects.of(failing.pid()));
    }
}
