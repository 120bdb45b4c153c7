package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.posix.Linux;
import dev.jmp.posix.Posix;
import java.io.ByteArrayOutputStream;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Pipe and Connection within this JVM: both ends here, so every rule can be checked
 * without the cost of a child. PipeProcessTest and PipePythonTest cross processes.
 */
class PipeTest {
    record Sample(String name, int[] values, Map<String, Integer> map) implements Serializable {
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static void rawWrite(Connection c, byte[] bytes) {
        assertEquals(bytes.length, Posix.libc().write(c.fileno(), bytes, 0, bytes.length));
    }

    private static void assertIse(Executable call, String text) {
        IllegalStateException e = assertThrows(IllegalStateException.class, call);
        assertTrue(e.getMessage().contains(text), e.getMessage());
    }

    @Test
    void duplexCarriesObjectsBothWays() throws InterruptedException {
        try (Pipe p = Pipe.open()) {
            Connection a = p.conn1();
            Connection b = p.conn2();
            assertTrue(a.readable() && a.writable() && b.readable() && b.writable());
            a.send("hello");
            assertEquals("hello", b.recv());
            Sample s = new Sample("s", new int[] {1, 2, 3}, Map.of("k", 7));
            b.send(s);
            b.send(null);
            b.send(List.of(s, s));
            Sample got = a.recv();
            assertEquals("s", got.name());
            assertArrayEquals(new int[] {1, 2, 3}, got.values());
            assertNull(a.recv());
            List<Sample> two = a.recv();
            assertTrue(two.get(0) == two.get(1), "shared objects stay shared within a message");
            // Many small messages keep their boundaries (a sender thread: the socket
            // buffer holds only a few hundred small messages).
            Thread sender = new Thread(() -> {
                for (int i = 0; i < 2000; i++) {
                    a.sendBytes(ascii("m" + i));
                }
            });
            sender.start();
            for (int i = 0; i < 2000; i++) {
                assertArrayEquals(ascii("m" + i), b.recvBytes());
            }
            sender.join();
            a.sendBytes(new byte[0]);
            assertArrayEquals(new byte[0], b.recvBytes());
            assertFalse(b.poll());
        }
    }

    @Test
    void simplexDirections() {
        try (Pipe p = Pipe.open(false)) {
            Connection r = p.conn1();
            Connection w = p.conn2();
            assertTrue(r.readable());
            assertFalse(r.writable());
            assertFalse(w.readable());
            assertTrue(w.writable());
            assertIse(() -> r.send("x"), "read-only");
            assertIse(() -> r.sendBytes(new byte[1]), "read-only");
            assertIse(w::recv, "write-only");
            assertIse(w::recvBytes, "write-only");
            assertIse(() -> w.recvBytesInto(new byte[4]), "write-only");
            assertIse(w::poll, "write-only");
            w.sendBytes(ascii("one way"));
            assertTrue(r.poll(Duration.ofSeconds(5)));
            assertArrayEquals(ascii("one way"), r.recvBytes());
        }
    }

    @Test
    void closedConnectionsRefuseEverything() {
        Pipe p = Pipe.open();
        Connection c = p.conn1();
        int fd = c.fileno();
        assertTrue(fd > 2);
        assertFalse(c.closed());
        c.close();
        c.close();
        assertTrue(c.closed());
        assertIse(() -> c.send("x"), "closed");
        assertIse(() -> c.sendBytes(new byte[1]), "closed");
        assertIse(c::recv, "closed");
        assertIse(c::recvBytes, "closed");
        assertIse(c::poll, "closed");
        assertIse(c::fileno, "closed");
        // The other end now sees end of file.
        assertTrue(p.conn2().poll(Duration.ofSeconds(5)));
        assertThrows(EOFError.class, p.conn2()::recv);
        assertThrows(EOFError.class, p.conn2()::recvBytes);
        p.close();
    }

    @Test
    void buffersAndOffsets() {
        try (Pipe p = Pipe.open()) {
            Connection a = p.conn1();
            Connection b = p.conn2();
            byte[] msg = ascii("0123456789");
            a.sendBytes(msg);
            byte[] buf = new byte[12];
            BufferTooShort e = assertThrows(BufferTooShort.class, () -> b.recvBytesInto(buf, 4));
            assertArrayEquals(msg, e.message(), "the whole message travels in the exception");
            assertInstanceOf(ProcessError.class, e);
            a.sendBytes(msg, 7);
            assertEquals(3, b.recvBytesInto(buf, 9));
            assertEquals("789", new String(buf, 9, 3, StandardCharsets.US_ASCII));
            a.sendBytes(msg, 2, 3);
            assertEquals(3, b.recvBytesInto(buf));
            assertEquals("234", new String(buf, 0, 3, StandardCharsets.US_ASCII));
            a.sendBytes(msg, 10);
            assertEquals(0, b.recvBytesInto(buf, 12));
            assertThrows(IndexOutOfBoundsException.class, () -> b.recvBytesInto(buf, 13));
            assertThrows(IndexOutOfBoundsException.class, () -> b.recvBytesInto(buf, -1));
            assertThrows(IndexOutOfBoundsException.class, () -> a.sendBytes(msg, 11));
            assertThrows(IndexOutOfBoundsException.class, () -> a.sendBytes(msg, -1));
            assertThrows(IndexOutOfBoundsException.class, () -> a.sendBytes(msg, 5, 6));
            assertThrows(IndexOutOfBoundsException.class, () -> a.sendBytes(msg, 0, -1));
            assertThrows(IllegalArgumentException.class, () -> b.recvBytes(-1));
            assertFalse(b.poll(), "no failed call wrote anything");
        }
    }

    @Test
    void maxlengthStopsReadingAsCPythonDoes() {
        try (Pipe duplex = Pipe.open(); Pipe simplex = Pipe.open(false)) {
            duplex.conn2().sendBytes(new byte[10]);
            PosixException e = assertThrows(PosixException.class, () -> duplex.conn1().recvBytes(4));
            assertEquals(Linux.EMSGSIZE, e.errno());
            assertTrue(e.getMessage().contains("bad message length"), e.getMessage());
            assertFalse(duplex.conn1().readable());
            assertIse(duplex.conn1()::recvBytes, "no longer readable");
            duplex.conn1().send("still sends");
            assertEquals("still sends", duplex.conn2().recv());

            simplex.conn2().sendBytes(new byte[10]);
            simplex.conn2().sendBytes(new byte[4]);
            assertEquals(Linux.EMSGSIZE, assertThrows(PosixException.class,
                    () -> simplex.conn1().recvBytes(9)).errno());
            assertTrue(simplex.conn1().closed(), "a receive-only end that cannot go on is closed");
        }
        try (Pipe p = Pipe.open()) {
            p.conn2().sendBytes(new byte[10]);
            assertEquals(10, p.conn1().recvBytes(10).length);
        }
    }

    @Test
    void garbageFramesGiveClearErrors() {
        // A header that is no length at all.
        try (Pipe p = Pipe.open(false)) {
            rawWrite(p.conn2(), new byte[] {-1, -1, -1, -5, 1, 2, 3});
            PosixException e = assertThrows(PosixException.class, p.conn1()::recvBytes);
            assertEquals(74, e.errno());
            assertTrue(e.getMessage().contains("not a frame"), e.getMessage());
            assertTrue(p.conn1().closed());
        }
        // A long-form header claiming 1 TiB: refused before any allocation.
        try (Pipe p = Pipe.open(false)) {
            rawWrite(p.conn2(), new byte[] {-1, -1, -1, -1, 0, 0, 1, 0, 0, 0, 0, 0});
            PosixException e = assertThrows(PosixException.class, p.conn1()::recv);
            assertEquals(Linux.EMSGSIZE, e.errno());
            assertTrue(e.getMessage().contains("jmp.connection.maxMessageBytes"), e.getMessage());
        }
        try (Pipe p = Pipe.open(false)) {
            // The long form is accepted for any length, as CPython reads it.
            rawWrite(p.conn2(), new byte[] {-1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 3, 'a', 'b', 'c'});
            assertArrayEquals(ascii("abc"), p.conn1().recvBytes());
            // A well-formed frame whose body is not a Java object: recv fails, the stream goes on.
            p.conn2().sendBytes(ascii("not java"));
            p.conn2().sendBytes(new byte[] {(byte) 0x80, 4, 'N', '.'});
            p.conn2().send("after");
            ProcessError notJava = assertThrows(ProcessError.class, p.conn1()::recv);
            assertTrue(notJava.getMessage().contains("not a serialized Java object"), notJava.getMessage());
            ProcessError pickle = assertThrows(ProcessError.class, p.conn1()::recv);
            assertTrue(pickle.getMessage().contains("Python pickle"), pickle.getMessage());
            assertEquals("after", p.conn1().recv());
            // A serialized int[] whose length was forged to 2^31-16: refused, nothing allocated.
            byte[] forged = serialize(new int[4]);
            int at = forged.length - 20;
            forged[at] = 0x7f;
            forged[at + 1] = -1;
            forged[at + 2] = -1;
            forged[at + 3] = -16;
            p.conn2().sendBytes(forged);
            ProcessError array = assertThrows(ProcessError.class, p.conn1()::recv);
            assertTrue(array.getMessage().contains("an array of 2147483632 elements"), array.getMessage());
            // A Connection forged into a message (its serialized form as a spawn writes it)
            // is refused: adopting it would adopt some fd of this process.
            byte[] handle;
            dev.jmp.spawn.FdHandover spawning = dev.jmp.spawn.FdHandover.begin();
            try (Pipe other = Pipe.open()) {
                handle = serialize(other.conn1());
            } finally {
                spawning.close();
            }
            p.conn2().sendBytes(handle);
            ProcessError forgedConnection = assertThrows(ProcessError.class, p.conn1()::recv);
            assertTrue(forgedConnection.getMessage().contains("spawn form (an fd number) cannot travel"),
                    forgedConnection.getMessage());
            // Truncated: the header promises 100 bytes, 3 come, then the writer closes.
            rawWrite(p.conn2(), new byte[] {0, 0, 0, 100, 1, 2, 3});
            p.conn2().close();
            PosixException cut = assertThrows(PosixException.class, p.conn1()::recvBytes);
            assertTrue(cut.getMessage().contains("end of file during message"), cut.getMessage());
            assertThrows(EOFError.class, p.conn1()::recvBytes);
        }
    }

    private static byte[] serialize(Object o) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(b)) {
            out.writeObject(o);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        return b.toByteArray();
    }

    @Test
    void unserializableObjectsWriteNothing() {
        try (Pipe p = Pipe.open()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> p.conn1().send(new Object()));
            assertInstanceOf(NotSerializableException.class, e.getCause());
            List<Object> half = new ArrayList<>(List.of("x".repeat(100_000), new Sample("a", null, null)));
            half.add(new Object());
            assertThrows(IllegalArgumentException.class, () -> p.conn1().send(half));
            assertFalse(p.conn2().poll(), "nothing was written");
            p.conn1().send(new Sample("b", new int[0], Map.of()));
            assertEquals("b", p.conn2().<Sample>recv().name());
        }
    }

    @Test
    void pollWaitsForItsTimeout() {
        try (Pipe p = Pipe.open()) {
            long t0 = System.nanoTime();
            assertFalse(p.conn1().poll(Duration.ofMillis(200)));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 190 && ms < 5000, ms + " ms");
            assertFalse(p.conn1().poll());
        }
    }

    /** Starts {@code body} in a thread, waits until it is blocked in a poll slice, interrupts it. */
    private static Throwable interruptWhenBlocked(Runnable body, AtomicBoolean flagAfter) throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                thrown.set(e);
                flagAfter.set(Thread.currentThread().isInterrupted());
            }
        }, "blocked");
        t.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (Arrays.stream(t.getStackTrace()).noneMatch(f -> f.getClassName().endsWith("FdWait"))) {
            assertTrue(System.nanoTime() < deadline, "thread never blocked");
            Thread.onSpinWait();
        }
        long t0 = System.nanoTime();
        t.interrupt();
        t.join(5000);
        assertFalse(t.isAlive());
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L);
        return thrown.get();
    }

    @Test
    void blockedCallsWakeOnInterrupt() throws Exception {
        try (Pipe p = Pipe.open(false)) {
            AtomicBoolean flag = new AtomicBoolean();
            assertInstanceOf(InterruptedError.class, interruptWhenBlocked(p.conn1()::recv, flag));
            assertTrue(flag.get(), "the interrupt flag is set again");
            assertInstanceOf(InterruptedError.class, interruptWhenBlocked(() -> p.conn1().poll(null), flag));
            assertTrue(flag.get());
            p.conn2().send("after the interrupt");
            assertEquals("after the interrupt", p.conn1().recv());

            // A writer blocked on a full pipe (nobody reads) is interruptible too; it had
            // written part of the message, so the connection can no longer send.
            byte[] big = new byte[4 << 20];
            Throwable e = interruptWhenBlocked(() -> p.conn2().sendBytes(big), flag);
            assertInstanceOf(InterruptedError.class, e);
            assertTrue(e.getMessage().contains("can no longer send"), e.getMessage());
            assertFalse(p.conn2().writable());
            assertIse(() -> p.conn2().sendBytes(new byte[1]), "can no longer send");
            p.conn2().close();
            PosixException torn = assertThrows(PosixException.class, p.conn1()::recvBytes);
            assertTrue(torn.getMessage().contains("end of file during message"), torn.getMessage());
        }
    }

    @Test
    void anInterruptedReceiveResumesTheSameMessage() throws Exception {
        try (Pipe p = Pipe.open(false)) {
            byte[] msg = new byte[1000];
            Arrays.fill(msg, (byte) 7);
            byte[] frame = new byte[4 + 500];
            frame[2] = 0x03;
            frame[3] = (byte) 0xe8;    // 1000
            System.arraycopy(msg, 0, frame, 4, 500);
            rawWrite(p.conn2(), frame);   // half a message: the reader blocks in its middle
            AtomicReference<Object> got = new AtomicReference<>();
            AtomicBoolean flag = new AtomicBoolean();
            assertInstanceOf(InterruptedError.class,
                    interruptWhenBlocked(() -> got.set(p.conn1().recvBytes()), flag));
            rawWrite(p.conn2(), Arrays.copyOfRange(msg, 500, 1000));
            assertArrayEquals(msg, p.conn1().recvBytes());
        }
    }

    @Test
    void anUnreachableConnectionClosesItsFd() throws Exception {
        int fd;
        String link;
        {
            Pipe p = Pipe.open(false);
            fd = p.conn1().fileno();
            link = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            assertTrue(link.startsWith("pipe:"), link);
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (link.equals(linkOrNull(fd))) {
            assertTrue(System.nanoTime() < deadline, "fd " + fd + " still open");
            System.gc();
            Thread.onSpinWait();
        }
        assertNotEquals(link, linkOrNull(fd));
    }

    private static String linkOrNull(int fd) throws java.io.IOException {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
