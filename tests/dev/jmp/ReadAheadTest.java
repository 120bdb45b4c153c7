package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.posix.Linux;
import dev.jmp.posix.Posix;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A socket Connection reads ahead (connection/Receiver): messages that arrive together
 * come out whole and in order whatever their sizes, poll and await see what was read
 * ahead, and a Connection about to be shared with another process reads exactly.
 */
class ReadAheadTest {
    /** Sizes around the read-ahead buffer (16 KiB) and the long header form's neighbours. */
    private static final int[] SIZES = {0, 1, 63, 64, 4092, 4096, 16380, 16383, 16384, 16385, 40000, 1 << 20, 5};

    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    /** Whether the kernel has bytes to read on {@code c}'s fd (not counting what jmp read ahead). */
    private static boolean kernelReadable(Connection c) {
        short[] revents = new short[1];
        return Posix.libc().poll(new int[] {c.fileno()}, new short[] {Linux.POLLIN}, revents, 0) > 0;
    }

    private static byte[] serialize(Object o) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    @Test
    void messagesSentTogetherComeOutWholeWhateverTheirSizes() throws Exception {
        try (Pipe p = Pipe.open()) {
            Connection a = p.conn1();
            Connection b = p.conn2();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    for (int round = 0; round < 3; round++) {
                        for (int i = 0; i < SIZES.length; i++) {
                            a.sendBytes(pattern(SIZES[i], i + round));
                            a.send("object " + i);
                        }
                    }
                } catch (Throwable t) {
                    failed.set(t);
                }
            });
            writer.start();
            // Round 0 by recvBytes, round 1 into a buffer, round 2 into a buffer too short for the big ones.
            for (int i = 0; i < SIZES.length; i++) {
                assertArrayEquals(pattern(SIZES[i], i), b.recvBytes(), "size " + SIZES[i]);
                assertEquals("object " + i, b.recv());
            }
            byte[] into = new byte[(1 << 20) + 7];
            for (int i = 0; i < SIZES.length; i++) {
                int n = b.recvBytesInto(into, 7);
                assertEquals(SIZES[i], n);
                assertArrayEquals(pattern(SIZES[i], i + 1), java.util.Arrays.copyOfRange(into, 7, 7 + n));
                assertEquals("object " + i, b.recv());
            }
            ByteBuffer small = ByteBuffer.allocateDirect(20000);
            for (int i = 0; i < SIZES.length; i++) {
                byte[] want = pattern(SIZES[i], i + 2);
                small.clear();
                if (SIZES[i] > small.capacity()) {
                    BufferTooShort e = assertThrows(BufferTooShort.class, () -> b.recvBytesInto(small));
                    assertArrayEquals(want, e.message());
                    assertEquals(0, small.position());
                } else {
                    assertEquals(SIZES[i], b.recvBytesInto(small));
                    byte[] got = new byte[SIZES[i]];
                    small.flip().get(got);
                    assertArrayEquals(want, got);
                }
                assertEquals("object " + i, b.recv());
            }
            writer.join();
            assertEquals(null, failed.get());
            assertFalse(b.poll());
        }
    }

    @Test
    void pollAndAwaitSeeMessagesReadAhead() {
        try (Pipe p = Pipe.open(); Pipe other = Pipe.open()) {
            Connection a = p.conn1();
            Connection b = p.conn2();
            a.sendBytes(pattern(64, 1));
            a.sendBytes(pattern(64, 2));
            assertArrayEquals(pattern(64, 1), b.recvBytes());
            // The second message came with the first: the kernel has nothing left, jmp has it.
            assertFalse(kernelReadable(b));
            assertTrue(b.poll());
            assertTrue(b.poll(Duration.ofSeconds(10)));
            assertEquals(List.of(b), Connection.await(List.of(other.conn2(), b), Duration.ofSeconds(10)));
            assertArrayEquals(pattern(64, 2), b.recvBytes());
            assertFalse(b.poll());
            assertEquals(List.of(), Connection.await(List.of(other.conn2(), b), Duration.ZERO));
        }
    }

    @Test
    void aTornFrameAfterMessagesReadAheadIsStillAnError() {
        try (Pipe p = Pipe.open()) {
            Connection a = p.conn1();
            Connection b = p.conn2();
            a.sendBytes(pattern(64, 1));
            // A header announcing 100 bytes, then only 10 of them, then the end of file.
            byte[] torn = new byte[14];
            torn[3] = 100;
            assertEquals(torn.length, Posix.libc().write(a.fileno(), torn, 0, torn.length));
            a.close();
            assertArrayEquals(pattern(64, 1), b.recvBytes());
            assertThrows(RuntimeException.class, b::recvBytes);
        }
    }

    @Test
    void aConnectionAboutToBeSharedReadsExactly() throws IOException, ClassNotFoundException {
        try (Pipe p = Pipe.open()) {
            Connection a = p.conn1();
            Connection b = p.conn2();
            a.sendBytes(pattern(64, 1));
            a.sendBytes(pattern(64, 2));
            assertArrayEquals(pattern(64, 1), b.recvBytes());
            // A message of another process's would be stranded here: refused, nothing lost.
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> serialize(b));
            assertTrue(e.getMessage().contains("read ahead"), e.getMessage());
            assertArrayEquals(pattern(64, 2), b.recvBytes());
            // Sent (here, to this process itself, so that the lent duplicate is fetched and closed).
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(serialize(b)));
                    Connection copy = (Connection) in.readObject()) {
                assertTrue(copy.readable());
            }
            // From now on each receive takes exactly one message off the fd.
            List<byte[]> sent = new ArrayList<>();
            for (int i = 3; i < 6; i++) {
                sent.add(pattern(64, i));
                a.sendBytes(sent.get(sent.size() - 1));
            }
            for (byte[] want : sent) {
                assertTrue(kernelReadable(b));
                assertArrayEquals(want, b.recvBytes());
            }
            assertFalse(kernelReadable(b));
        }
    }
}
