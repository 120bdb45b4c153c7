package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jmp.blocking.Deadline;
import dev.jmp.connection.MessageWriter;
import dev.jmp.fuzz.Fuzz;
import dev.jmp.pool.ResultChannelProbe;
import dev.jmp.posix.Posix;
import dev.jmp.queue.Items;
import dev.jmp.queue.MessageQueue;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The receive paths on random and mutated messages: Connection.recv and recvBytes,
 * a queue's receive and decode (what Queue.get runs after taking its count), and the
 * pool's result channel. Every case ends in a value or a ProcessError within a second
 * of CPU, the path stays in step (a good message sent after the bad one arrives
 * intact), and the process keeps no fd or kernel object from it.
 *
 * <p>The mutations start from real messages (each kind of value jmp sends, the
 * nested-HashSet bomb among them): bit flips, overwritten, inserted and deleted bytes,
 * cuts, and a copy of one range over another, which forges back-references and
 * lengths; {@link Fuzz} draws the cases from a seed that a failure reports.
 * {@link FuzzReceiveStressTest} runs the same with many more cases.
 */
class FuzzReceiveTest {
    static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    static final long CPU_LIMIT_NANOS = 1_000_000_000L;

    static ResultChannelProbe pool;
    static MessageQueue queue;
    static int fdsBefore;
    static volatile long caseStart;
    static volatile String caseName;

    record Point(int x, int y, String label) implements Serializable {
    }

    enum Colour { RED, GREEN }

    static List<Object> seeds() {
        Map<String, Object> map = new HashMap<>();
        map.put("a", 1);
        map.put("b", List.of("x", "y"));
        map.put("c", new Point(1, 2, "p"));
        Set<Object> sets = new HashSet<>();
        sets.add(new HashSet<>(Set.of(1, 2)));
        sets.add(new HashSet<>(Set.of("s")));
        Point shared = new Point(3, 4, "shared");
        return List.of("hello", 42, 7L, 2.5, List.of(1, 2, 3), new ArrayList<>(List.of("a", shared, shared)),
                map, new TreeMap<>(Map.of("k", 1, "l", 2)), new LinkedList<>(List.of(1)), new int[] {1, 2, 3},
                new byte[] {9, 8, 7}, new Object[] {null, "n", 1}, Colour.GREEN, TimeUnit.SECONDS,
                new BigInteger("123456789012345678901234567890"), new IllegalStateException("boom"),
                sets, DecodeBombTest.bomb(), "\u20ac-utf16", "x".repeat(600));
    }

    static final List<byte[]> MESSAGES = new ArrayList<>();
    static final List<byte[]> ITEMS = new ArrayList<>();
    static final List<byte[]> RESULTS = new ArrayList<>();

    static {
        MessageWriter w = new MessageWriter();
        long seq = 1;
        for (Object o : seeds()) {
            MessageWriter.Sink s = w.encode(o);
            MESSAGES.add(Arrays.copyOf(s.array(), s.size()));
            Items.Encoded e = Items.encode(o);
            ITEMS.add(Arrays.copyOf(e.array(), e.length()));
            RESULTS.add(ResultChannelProbe.resultMessage(seq++, o));
        }
    }

    // ---- the inputs (dev.jmp.fuzz.Fuzz draws and mutates them) ------------------------

    static byte[] message(SplittableRandom r) {
        return Fuzz.frame(r, MESSAGES, Integer.MAX_VALUE);
    }

    static byte[] item(SplittableRandom r) {
        return Fuzz.frame(r, ITEMS, queue.msgsize());
    }

    static byte[] result(SplittableRandom r) {
        return Fuzz.frame(r, RESULTS, 1024);
    }

    /** Garbage where a frame header belongs: whatever follows is then not in step. */
    static byte[] header(SplittableRandom r) {
        return Fuzz.bytes(r, 1, 40);
    }

    @BeforeAll
    static void open() throws Exception {
        fdsBefore = openFds();
        pool = new ResultChannelProbe();
        queue = MessageQueue.create();
        Thread watchdog = new Thread(() -> {
            while (true) {
                long s = caseStart;
                if (s != 0 && System.nanoTime() - s > TimeUnit.SECONDS.toNanos(60)) {
                    System.err.println("FuzzReceiveTest: a case has run for a minute: " + caseName);
                    Runtime.getRuntime().halt(3);
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "fuzz-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    @AfterAll
    static void close() throws Exception {
        caseStart = 0;
        pool.close();
        queue.unlink();
        // Healthy afterwards: a round trip works and no fd was left behind.
        try (Pipe p = Pipe.open()) {
            p.conn1().send(List.of("still", 1));
            assertEquals(List.of("still", 1), p.conn2().recv());
        }
        System.gc();
        assertTrue(openFds() <= fdsBefore + 8, "fds " + fdsBefore + " -> " + openFds());
    }

    static int openFds() throws Exception {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        }
    }

    /** Runs one case: a value, or a ProcessError (or what {@code alsoAllowed} accepts), within the CPU limit. */
    static Object endsClearly(String what, Supplier<Object> receive, boolean anyThrowable) {
        caseName = what;
        long cpu = THREADS.getCurrentThreadCpuTime();
        caseStart = System.nanoTime();
        Object out;
        try {
            out = receive.get();
        } catch (ProcessError e) {
            out = e;
        } catch (Throwable t) {
            if (!anyThrowable) {
                fail(what + ": not a clear exception", t);
            }
            out = t;
        } finally {
            caseStart = 0;
        }
        long used = THREADS.getCurrentThreadCpuTime() - cpu;
        assertTrue(used < CPU_LIMIT_NANOS, what + ": " + used / 1_000_000 + " ms of CPU");
        return out;
    }

    static void writeRaw(Connection c, byte[] b) {
        int off = 0;
        while (off < b.length) {
            int w = Posix.libc().write(c.fileno(), b, off, b.length - off);
            assertTrue(w > 0, "write to the pipe");
            off += w;
        }
    }

    // ---- the properties (Fuzz.CASES each: at least 10 000 cases in all) -------------------

    @Test
    void connectionRecv() {
        Fuzz.check("connectionRecv", Fuzz.CASES, (r, name) -> checkRecv(name, message(r)));
    }

    @Test
    void connectionRecvBytes() {
        Fuzz.check("connectionRecvBytes", Fuzz.CASES, (r, name) -> checkRecvBytes(name, message(r), header(r)));
    }

    @Test
    void queueGet() {
        Fuzz.check("queueGet", Fuzz.CASES, (r, name) -> checkQueue(name, item(r)));
    }

    @Test
    void poolResultChannel() {
        Fuzz.check("poolResultChannel", Fuzz.CASES, (r, name) -> checkPool(name, result(r)));
    }

    static void checkRecv(String name, byte[] body) {
        try (Pipe p = Pipe.open(false)) {
            p.conn2().sendBytes(body);
            p.conn2().send("sentinel");
            p.conn2().close();
            endsClearly(name + ", recv of " + Arrays.toString(body), () -> p.conn1().recv(), false);
            assertEquals("sentinel", p.conn1().recv(), "the connection stays in step");
        }
    }

    static void checkRecvBytes(String name, byte[] body, byte[] garbage) {
        try (Pipe p = Pipe.open(false)) {
            p.conn2().sendBytes(body);
            writeRaw(p.conn2(), garbage);
            p.conn2().close();
            Object got = endsClearly(name + ", recvBytes", () -> p.conn1().recvBytes(), false);
            assertArrayEquals(body, (byte[]) got);
            Object next = endsClearly(name + ", recvBytes of garbage " + Arrays.toString(garbage), () -> p.conn1().recvBytes(), false);
            assertTrue(next instanceof ProcessError || next instanceof byte[], String.valueOf(next));
        }
    }

    static void checkQueue(String name, byte[] item) {
        assertTrue(queue.trySend(item, item.length));
        byte[] sentinel = ITEMS.get(0);
        assertTrue(queue.trySend(sentinel, sentinel.length));
        endsClearly(name + ", queue item " + Arrays.toString(item), () -> {
            byte[] buf = Items.receiveBuffer(queue);
            int n = queue.receive(buf, Deadline.after(Duration.ofSeconds(5)), "fuzz");
            return Items.decode(queue, buf, n);
        }, false);
        byte[] buf = Items.receiveBuffer(queue);
        int n = queue.receive(buf, Deadline.after(Duration.ofSeconds(5)), "fuzz");
        assertEquals("hello", Items.decode(queue, buf, n), "the queue stays in step");
    }

    static void checkPool(String name, byte[] message) {
        assertTrue(pool.sendRaw(message));
        byte[] sentinel = ResultChannelProbe.resultMessage(99, "sentinel");
        assertTrue(pool.sendRaw(sentinel));
        // A RESULT that says "not ok" carries the task's exception, whatever its type.
        endsClearly(name + ", pool message " + Arrays.toString(message), () -> pool.receive(), true);
        assertEquals("sentinel", pool.receive(), "the channel stays in step");
    }
}
