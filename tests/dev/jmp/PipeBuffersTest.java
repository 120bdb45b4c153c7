package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code sendBytes(ByteBuffer)} and {@code recvBytesInto(ByteBuffer)} (and
 * {@code recvBytesInto(byte[])}, which reads straight into the array) between this JVM
 * and a child, on the duplex and the simplex Pipe, with heap and direct buffers whose
 * position and limit are not the whole buffer, from 0 bytes to 100 MiB; and the same
 * conversation in a fresh JVM on the jnr-ffi backend (whose child inherits it).
 */
class PipeBuffersTest {
    static final int MAX = 100 << 20;
    static final int[] SIZES = {0, 1, 100, (16 << 10) - 4, (16 << 10) + 1, 1 << 20, MAX};
    /** Where a buffer's message starts, and how much is around it, to see position and limit honoured. */
    static final int AT = 7;
    static final int TAIL = 5;

    /** The child: echoes each message it is told to, through reused buffers of the kind it is told. */
    static void echo(Connection in, Connection out) {
        ByteBuffer direct = ByteBuffer.allocateDirect(MAX + AT + TAIL);
        ByteBuffer heap = ByteBuffer.wrap(new byte[MAX + AT + TAIL + 3], 3, MAX + AT + TAIL).slice();
        while (true) {
            String op = in.recv();
            switch (op) {
                case "direct", "heap" -> {
                    ByteBuffer b = op.equals("direct") ? direct : heap;
                    b.clear().position(AT);
                    int n = in.recvBytesInto(b);
                    if (b.position() != AT + n || b.limit() != b.capacity()) {
                        out.send("position " + b.position() + " limit " + b.limit() + " after " + n + " bytes");
                        return;
                    }
                    b.flip().position(AT);
                    out.sendBytes(b);
                    if (b.position() != b.limit()) {
                        out.send("sendBytes left position " + b.position() + " of " + b.limit());
                        return;
                    }
                }
                case "short" -> {
                    ByteBuffer b = heap.clear().position(AT).limit(AT + 10);
                    try {
                        in.recvBytesInto(b);
                        out.send("no BufferTooShort");
                    } catch (BufferTooShort e) {
                        out.send("too short " + e.message().length + " position " + b.position());
                    }
                }
                default -> {
                    out.send("done");
                    return;
                }
            }
        }
    }

    static ByteBuffer pattern(int size, int seed, boolean direct) {
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(size + AT + TAIL) : ByteBuffer.allocate(size + AT + TAIL);
        for (int i = 0; i < b.capacity(); i++) {
            b.put(i, (byte) (seed + i * 31 + (i >>> 12)));
        }
        return b.position(AT).limit(AT + size);
    }

    /** The whole conversation with one child; returns what went wrong, or an empty list. */
    static List<String> converse(Pipe pipe) {
        List<String> wrong = new ArrayList<>();
        // duplex: conn1 is ours, conn2 the child's; simplex: we need two pipes.
        boolean duplex = pipe.conn1().writable();
        Pipe back = duplex ? null : Pipe.open(false);
        Connection childIn = duplex ? pipe.conn2() : pipe.conn1();
        Connection childOut = duplex ? pipe.conn2() : back.conn2();
        Connection out = duplex ? pipe.conn1() : pipe.conn2();
        Connection in = duplex ? pipe.conn1() : back.conn1();
        Process p = new Process(() -> echo(childIn, childOut));
        p.start();
        try {
            int seed = 0;
            for (int size : SIZES) {
                for (boolean direct : new boolean[] {false, true}) {
                    seed++;
                    ByteBuffer sent = pattern(size, seed, direct);
                    out.send(direct ? "heap" : "direct");
                    out.sendBytes(sent);
                    if (sent.position() != AT + size || sent.limit() != AT + size) {
                        wrong.add("sendBytes moved position to " + sent.position() + " limit " + sent.limit());
                    }
                    // Received into the other kind, at an offset, with room to spare.
                    ByteBuffer got = direct ? ByteBuffer.allocate(size + 2 * AT) : ByteBuffer.allocateDirect(size + 2 * AT);
                    got.position(AT);
                    int n = in.recvBytesInto(got);
                    sent.position(AT);
                    got.flip().position(AT);
                    if (n != size || !got.equals(sent)) {
                        wrong.add(size + " bytes, " + (direct ? "direct" : "heap") + ": got " + n + " bytes"
                                + (n == size ? ", different" : ""));
                    }
                }
            }
            // byte[] into an array at an offset: read straight in.
            ByteBuffer sent = pattern(1 << 20, 99, false);
            out.send("heap");
            out.sendBytes(sent.array(), AT, 1 << 20);
            byte[] into = new byte[(1 << 20) + 3];
            int n = in.recvBytesInto(into, 3);
            if (n != 1 << 20 || !ByteBuffer.wrap(into, 3, n).equals(sent.position(AT))) {
                wrong.add("recvBytesInto(byte[], 3) of 1 MiB: " + n + " bytes");
            }
            // Too short: the message is consumed whole, the buffer unchanged, the stream intact.
            out.send("short");
            out.sendBytes(new byte[11]);
            String s = in.recv();
            if (!s.equals("too short 11 position " + AT)) {
                wrong.add("child: " + s);
            }
            out.send("direct");
            out.sendBytes(new byte[] {42});
            ByteBuffer one = ByteBuffer.allocate(1);
            if (in.recvBytesInto(one) != 1 || one.get(0) != 42) {
                wrong.add("after BufferTooShort, the next message did not arrive whole");
            }
            out.send("end");
            Object last = in.recv();
            if (!"done".equals(last)) {
                wrong.add("child: " + last);
            }
            p.join(Duration.ofSeconds(120));
            if (p.exitcode() == null || p.exitcode() != 0) {
                wrong.add("child exit code " + p.exitcode());
            }
        } finally {
            if (back != null) {
                back.close();
            }
            p.join(Duration.ofSeconds(120));
            if (p.isAlive()) {
                p.kill();
            }
        }
        return wrong;
    }

    /** Both Pipe kinds; what went wrong, one line each. */
    static List<String> bothPipes() {
        List<String> wrong = new ArrayList<>();
        try (Pipe duplex = Pipe.open()) {
            wrong.addAll(converse(duplex).stream().map(w -> "duplex: " + w).toList());
        }
        try (Pipe simplex = Pipe.open(false)) {
            wrong.addAll(converse(simplex).stream().map(w -> "simplex: " + w).toList());
        }
        return wrong;
    }

    /** The conversation in a fresh JVM (run with {@code -Djmp.posix=jnr}): prints what went wrong, then "end". */
    public static final class Main {
        public static void main(String[] args) {
            for (String w : bothPipes()) {
                System.out.println(w);
            }
            System.out.println(dev.jmp.posix.Posix.libc().getClass().getSimpleName() + " end");
        }
    }

    @Test
    void buffersOfEverySizeAndKindThroughBothPipes() {
        assertEquals(List.of(), bothPipes());
    }

    @Test
    void sameOnTheJnrBackend() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED"));
        if (Runtime.version().feature() >= 23) {
            cmd.add("--sun-misc-unsafe-memory-access=allow");
        }
        cmd.addAll(List.of("-Djmp.posix=jnr", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        java.lang.Process jvm = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        jvm.getOutputStream().close();
        String out = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(jvm.waitFor(300, TimeUnit.SECONDS));
        assertEquals("JnrPosix end", out);
        assertEquals(0, jvm.exitValue());
    }

    /**
     * Interrupted in the middle of a body (the flag is set before the call: the bytes that
     * are there are read, then the wait for the rest throws), the next receive, into
     * another buffer, carries on: the message arrives whole.
     */
    @Test
    void anInterruptedReceiveIntoResumesWhereItStopped() {
        try (Pipe pipe = Pipe.open()) {
            dev.jmp.posix.Posix posix = dev.jmp.posix.Posix.libc();
            int fd = pipe.conn1().fileno();
            byte[] msg = new byte[100_000];
            for (int i = 0; i < msg.length; i++) {
                msg[i] = (byte) (i * 7);
            }
            byte[] head = new byte[dev.jmp.connection.FrameHeader.MAX];
            int h = dev.jmp.connection.FrameHeader.encode(msg.length, head, 0);
            assertEquals(h, posix.write(fd, head, 0, h));
            assertEquals(50_000, posix.write(fd, msg, 0, 50_000));
            ByteBuffer direct = ByteBuffer.allocateDirect(msg.length);
            Thread.currentThread().interrupt();
            assertThrows(InterruptedError.class, () -> pipe.conn2().recvBytesInto(direct));
            assertTrue(Thread.interrupted(), "the interrupt flag is set again");
            assertEquals(0, direct.position());
            assertEquals(50_000, posix.write(fd, msg, 50_000, 50_000));
            ByteBuffer heap = ByteBuffer.allocate(msg.length + 1);
            assertEquals(msg.length, pipe.conn2().recvBytesInto(heap));
            assertEquals(ByteBuffer.wrap(msg), heap.flip());
        }
    }

    @Test
    void argumentsAreCheckedBeforeAnythingMoves() {
        try (Pipe pipe = Pipe.open()) {
            assertThrows(NullPointerException.class, () -> pipe.conn1().sendBytes((ByteBuffer) null));
            assertThrows(IllegalArgumentException.class,
                    () -> pipe.conn1().recvBytesInto(ByteBuffer.allocate(4).asReadOnlyBuffer()));
            // A read-only heap buffer is sent (copied once: its array cannot be pinned).
            ByteBuffer ro = ByteBuffer.wrap(new byte[20_000]).asReadOnlyBuffer();
            pipe.conn1().sendBytes(ro);
            assertEquals(20_000, ro.position());
            ByteBuffer got = ByteBuffer.allocateDirect(20_000);
            assertEquals(20_000, pipe.conn2().recvBytesInto(got));
        }
    }
}
