package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jmp.blocking.Deadline;
import dev.jmp.connection.MessageWriter;
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
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

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
 * lengths. {@link FuzzReceiveStressTest} runs the same with many more tries.
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

    /** One edit of a message; positions are millionths of its length, so any edit fits any message. */
    record Mutation(int kind, int at, int to, int value) {
        byte[] apply(byte[] m) {
            if (m.length == 0) {
                return new byte[] {(byte) value};
            }
            int i = (int) ((long) at * m.length / 1_000_000);
            int j = (int) ((long) to * m.length / 1_000_000);
            switch (kind) {
                case 0: {     // flip one bit
                    byte[] c = m.clone();
                    c[i] ^= (byte) (1 << (value & 7));
                    return c;
                }
                case 1: {     // overwrite a byte
                    byte[] c = m.clone();
                    c[i] = (byte) value;
                    return c;
                }
                case 2: {     // insert a byte
                    byte[] c = new byte[m.length + 1];
                    System.arraycopy(m, 0, c, 0, i);
                    c[i] = (byte) value;
                    System.arraycopy(m, i, c, i + 1, m.length - i);
                    return c;
                }
                case 3: {     // delete a range
                    int a = Math.min(i, j);
                    int b = Math.min(m.length, Math.max(i, j) + 1);
                    byte[] c = new byte[m.length - (b - a)];
                    System.arraycopy(m, 0, c, 0, a);
                    System.arraycopy(m, b, c, a, m.length - b);
                    return c;
                }
                case 4:       // cut
                    return Arrays.copyOf(m, i);
                case 5: {     // copy a short range over another
                    byte[] c = m.clone();
                    int n = Math.min(1 + (value & 15), Math.min(m.length - i, m.length - j));
                    System.arraycopy(m, i, c, j, n);
                    return c;
                }
                default: {    // a boundary int at i: lengths, counts, handles
                    byte[] c = m.clone();
                    int[] ints = {0, -1, 1, 0x7fffffff, 0x80000000, 0x7e0000, 0xff, 0x10000};
                    int v = ints[(value & 0x7fffffff) % ints.length];
                    for (int k = 0; k < 4 && i + k < c.length; k++) {
                        c[i + k] = (byte) (v >>> (24 - 8 * k));
                    }
                    return c;
                }
            }
        }
    }

    static Arbitrary<Mutation> mutation() {
        return Combinators.combine(Arbitraries.integers().between(0, 6), Arbitraries.integers().between(0, 999_999),
                Arbitraries.integers().between(0, 999_999), Arbitraries.integers()).as(Mutation::new);
    }

    /** A seed from {@code from}, mutated a few times; or, now and then, random bytes. */
    static Arbitrary<byte[]> mutated(List<byte[]> from) {
        Arbitrary<byte[]> edited = Combinators.combine(Arbitraries.of(from), mutation().list().ofMinSize(0).ofMaxSize(6))
                .as((m, edits) -> {
                    byte[] b = m;
                    for (Mutation e : edits) {
                        b = e.apply(b);
                    }
                    return b;
                });
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(9, edited), net.jqwik.api.Tuple.of(1, random));
    }

    @Provide
    Arbitrary<byte[]> messages() {
        return mutated(MESSAGES);
    }

    @Provide
    Arbitrary<byte[]> items() {
        return mutated(ITEMS).map(b -> b.length > queue.msgsize() ? Arrays.copyOf(b, queue.msgsize()) : b);
    }

    @Provide
    Arbitrary<byte[]> results() {
        return mutated(RESULTS).map(b -> b.length > 1024 ? Arrays.copyOf(b, 1024) : b);
    }

    @Provide
    Arbitrary<byte[]> headers() {
        // Garbage where a frame header belongs: whatever follows is then not in step.
        return Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(40);
    }

    @BeforeContainer
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

    @AfterContainer
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

    // ---- the properties (tries: at least 10 000 cases in all) ---------------------------

    @Property(tries = 2500)
    void connectionRecv(@ForAll("messages") byte[] body) {
        checkRecv(body);
    }

    @Property(tries = 2500)
    void connectionRecvBytes(@ForAll("messages") byte[] body, @ForAll("headers") byte[] garbage) {
        checkRecvBytes(body, garbage);
    }

    @Property(tries = 2500)
    void queueGet(@ForAll("items") byte[] item) {
        checkQueue(item);
    }

    @Property(tries = 2500)
    void poolResultChannel(@ForAll("results") byte[] message) {
        checkPool(message);
    }

    static void checkRecv(byte[] body) {
        try (Pipe p = Pipe.open(false)) {
            p.conn2().sendBytes(body);
            p.conn2().send("sentinel");
            p.conn2().close();
            endsClearly("recv of " + Arrays.toString(body), () -> p.conn1().recv(), false);
            assertEquals("sentinel", p.conn1().recv(), "the connection stays in step");
        }
    }

    static void checkRecvBytes(byte[] body, byte[] garbage) {
        try (Pipe p = Pipe.open(false)) {
            p.conn2().sendBytes(body);
            writeRaw(p.conn2(), garbage);
            p.conn2().close();
            Object got = endsClearly("recvBytes", () -> p.conn1().recvBytes(), false);
            assertArrayEquals(body, (byte[]) got);
            Object next = endsClearly("recvBytes of garbage " + Arrays.toString(garbage), () -> p.conn1().recvBytes(), false);
            assertTrue(next instanceof ProcessError || next instanceof byte[], String.valueOf(next));
        }
    }

    static void checkQueue(byte[] item) {
        assertTrue(queue.trySend(item, item.length));
        byte[] sentinel = ITEMS.get(0);
        assertTrue(queue.trySend(sentinel, sentinel.length));
        endsClearly("queue item " + Arrays.toString(item), () -> {
            byte[] buf = Items.receiveBuffer(queue);
            int n = queue.receive(buf, Deadline.after(Duration.ofSeconds(5)), "fuzz");
            return Items.decode(queue, buf, n);
        }, false);
        byte[] buf = Items.receiveBuffer(queue);
        int n = queue.receive(buf, Deadline.after(Duration.ofSeconds(5)), "fuzz");
        assertEquals("hello", Items.decode(queue, buf, n), "the queue stays in step");
    }

    static void checkPool(byte[] message) {
        assertTrue(pool.sendRaw(message));
        byte[] sentinel = ResultChannelProbe.resultMessage(99, "sentinel");
        assertTrue(pool.sendRaw(sentinel));
        // A RESULT that says "not ok" carries the task's exception, whatever its type.
        endsClearly("pool message " + Arrays.toString(message), () -> pool.receive(), true);
        assertEquals("sentinel", pool.receive(), "the channel stays in step");
    }
}
