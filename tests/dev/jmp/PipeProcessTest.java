package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Connections across real child JVMs. Children are costly (~0.5 s each), so each one
 * does a whole conversation and reports failures over the pipe itself (or its exit
 * code, where the pipe is the thing under test).
 */
class PipeProcessTest {
    private static final int BIG = 16 << 20;
    private static final int SMALL_COUNT = 5000;

    record Sample(String name, List<Integer> values) implements Serializable {
    }

    static byte[] pattern(int i) {
        byte[] b = new byte[i % 300];
        for (int k = 0; k < b.length; k++) {
            b[k] = (byte) (i + k);
        }
        return b;
    }

    static byte[] big(int seed) {
        byte[] b = new byte[BIG];
        for (int k = 0; k < b.length; k += 4096) {
            b[k] = (byte) (seed + k / 4096);
        }
        b[b.length - 1] = (byte) seed;
        return b;
    }

    // ---- the tutorial's exchange, between two children --------------------------------

    static void proc1(Connection pipe) {
        pipe.send("hello");
        if (!"hello, too".equals(pipe.recv())) {
            System.exit(2);
        }
    }

    static void proc2(Connection pipe) {
        if (!"hello".equals(pipe.recv())) {
            System.exit(2);
        }
        pipe.send("hello, too");
    }

    @Test
    void tutorialExchangeBetweenTwoChildren() {
        try (Pipe pipe = Pipe.open()) {
            Connection end1 = pipe.conn1();
            Connection end2 = pipe.conn2();
            Process p1 = new Process(() -> proc1(end1));
            Process p2 = new Process(() -> proc2(end2));
            p1.start();
            p2.start();
            p1.join(Duration.ofSeconds(60));
            p2.join(Duration.ofSeconds(60));
            assertEquals(0, p1.exitcode());
            assertEquals(0, p2.exitcode());
        }
    }

    // ---- one child, a whole conversation ----------------------------------------------

    /** Echoes and checks what the parent sends; every failure goes back as a String. */
    static void conversation(Connection c) {
        byte[] raw = c.recvBytes();
        c.sendBytes(raw);
        byte[] obj = c.recv();
        c.send(obj);
        int n = c.recv();
        int good = 0;
        for (int i = 0; i < n; i++) {
            if (Arrays.equals(pattern(i), c.recvBytes())) {
                good++;
            }
        }
        c.send(good);
        for (int i = 0; i < n; i++) {
            c.sendBytes(pattern(i));
        }
        c.send(new Sample("from child", List.of(1, 2, 3)));
        c.send(null);
        c.send(Map.of("pid", (int) ProcessHandle.current().pid()));
        c.send("last");
        c.close();
    }

    @Test
    void childConversationBigSmallObjectsAndEof() {
        Pipe pipe = Pipe.open();
        Connection mine = pipe.conn1();
        Connection theirs = pipe.conn2();
        Process p = new Process(() -> conversation(theirs));
        p.start();
        // Until this copy closes, the child's close would not be an end of file here.
        theirs.close();
        try {
            byte[] b1 = big(1);
            mine.sendBytes(b1);
            assertTrue(mine.poll(Duration.ofSeconds(60)));
            assertArrayEquals(b1, mine.recvBytes(), "16 MiB through sendBytes and back");
            byte[] b2 = big(2);
            mine.send(b2);
            assertArrayEquals(b2, mine.<byte[]>recv(), "16 MiB through send and back");

            mine.send(SMALL_COUNT);
            for (int i = 0; i < SMALL_COUNT; i++) {
                mine.sendBytes(pattern(i));
            }
            assertEquals(SMALL_COUNT, mine.<Integer>recv(), "every small message arrived whole and apart");
            for (int i = 0; i < SMALL_COUNT; i++) {
                assertArrayEquals(pattern(i), mine.recvBytes());
            }
            assertEquals(new Sample("from child", List.of(1, 2, 3)), mine.recv());
            assertNull(mine.recv());
            assertEquals(Map.of("pid", p.pid()), mine.recv());
            assertEquals("last", mine.recv());
            assertThrows(EOFError.class, mine::recv);
            assertTrue(mine.poll(), "end of file counts as readable");
            p.join(Duration.ofSeconds(60));
            assertEquals(0, p.exitcode());
        } finally {
            mine.close();
            p.join(Duration.ofSeconds(60));
        }
    }

    // ---- simplex: two writers share one end; EOF once the last writer closes ----------

    record Tagged(String writer, int seq) implements Serializable {
    }

    static final int EACH = 500;

    static void writer(Connection w) {
        for (int i = 0; i < EACH; i++) {
            w.send(new Tagged("child", i));
        }
        w.send("end");
    }

    /**
     * The child and this process send at the same time on copies of one pipe end, each
     * with its own long-lived serialization stream: every message still decodes alone,
     * and each writer's messages arrive whole and in order.
     */
    @Test
    void twoWritersOnOneEndThenEof() throws Exception {
        try (Pipe pipe = Pipe.open(false)) {
            Connection r = pipe.conn1();
            Connection w = pipe.conn2();
            w.send(new Tagged("parent", -1));
            Process p = new Process(() -> writer(w));
            p.start();
            java.util.List<Object> got = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            Thread reader = new Thread(() -> {
                for (int i = 0; i < 2 * EACH + 2; i++) {
                    got.add(r.recv());
                }
            });
            reader.start();
            for (int i = 0; i < EACH; i++) {
                w.send(new Tagged("parent", i));
            }
            reader.join(60_000);
            assertTrue(!reader.isAlive(), "reader stuck after " + got.size() + " messages");
            p.join(Duration.ofSeconds(60));
            assertEquals(0, p.exitcode());
            int[] next = {-1, 0};
            for (Object o : got) {
                if (o instanceof Tagged t) {
                    int k = t.writer().equals("parent") ? 0 : 1;
                    assertEquals(next[k]++, t.seq(), "order of " + t.writer());
                }
            }
            assertEquals(EACH, next[0]);
            assertEquals(EACH, next[1]);
            assertTrue(got.contains("end"));
            assertTrue(!r.poll(), "this process still holds a writer");
            w.sendBytes(new byte[] {4});
            w.close();
            assertArrayEquals(new byte[] {4}, r.recvBytes());
            assertThrows(EOFError.class, r::recv);
        }
    }
}
