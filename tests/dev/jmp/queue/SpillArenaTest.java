package dev.jmp.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.ProcessError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A spill arena in one process, two mappings of it standing for a producer and a
 * consumer: slots claimed lowest first and freed, every array type copied in and out
 * exactly (also over a longer item's bytes), and a file that is not a finished arena
 * never used. Queue and process tests carry items through it between processes.
 */
class SpillArenaTest {
    private Path dir;

    @BeforeEach
    void makeDirectory() throws IOException {
        dir = Files.createDirectory(Path.of("/dev/shm", "jmp." + ProcessHandle.current().pid() + ".arenatest"));
    }

    @AfterEach
    void removeDirectory() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void slotsAreClaimedLowestFirstAndFreedByTheReader() {
        SpillArena producer = SpillArena.open(dir.toString(), true);
        SpillArena consumer = SpillArena.open(dir.toString(), false);
        assertNotNull(producer);
        assertNotNull(consumer, "a second mapping attaches to the first's arena");
        assertEquals(producer.slots(), consumer.slots());
        assertEquals(1 << 20, producer.slotBytes());
        assertEquals(-1, producer.claim(producer.slotBytes() + 1), "an item longer than a slot takes none");
        int taken = 0;
        while (producer.claim(10) >= 0) {
            taken++;
        }
        assertEquals(producer.slots(), taken, "every slot once, then none");
        consumer.release(2);
        assertTrue(producer.isFree(2), "the consumer's release is the producer's free slot");
        assertEquals(2, producer.claim(10));
        for (int k = 0; k < producer.slots(); k++) {
            consumer.release(k);
        }
        assertEquals(0, producer.claim(10), "the lowest free slot first");
    }

    @Test
    void everyArrayTypeComesOutExactlyOverALongerItemsBytes() {
        SpillArena producer = SpillArena.open(dir.toString(), true);
        SpillArena consumer = SpillArena.open(dir.toString(), false);
        int k = producer.claim(1 << 20);
        byte[] longer = new byte[1 << 20];
        Arrays.fill(longer, (byte) 0x55);
        producer.write(k, longer, 0, longer.length);          // the slot's pages: pwrite
        byte[] bytes = new byte[1000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 7);
        }
        producer.write(k, bytes, 0, bytes.length);            // through the mapping
        byte[] gotBytes = new byte[bytes.length + 2];
        consumer.body(k, bytes.length).readFully(gotBytes, 1, bytes.length, 0);
        assertArrayEquals(bytes, Arrays.copyOfRange(gotBytes, 1, 1 + bytes.length));
        assertEquals(0, gotBytes[0]);
        assertEquals(0, gotBytes[bytes.length + 1], "nothing read past the item");

        double[] doubles = {1.5, -0.0, Double.NaN, Double.MAX_VALUE};
        long[] longs = {1, -1, Long.MIN_VALUE, 1L << 40};
        int[] ints = {7, -7, Integer.MAX_VALUE};
        char[] chars = "日本\ud800é".toCharArray();
        float[] floats = {0.25f, -3f};
        short[] shorts = {-2, 300};
        Object[] arrays = {doubles, longs, ints, chars, floats, shorts};
        Object[] copies = {new double[4], new long[4], new int[3], new char[4], new float[2], new short[2]};
        int[] sizes = {8, 8, 4, 2, 4, 2};
        for (int i = 0; i < arrays.length; i++) {
            long n = (long) java.lang.reflect.Array.getLength(arrays[i]) * sizes[i];
            producer.write(k, arrays[i], 0, n);
            consumer.body(k, n).readFully(copies[i], 0, n, 0);
        }
        assertArrayEquals(doubles, (double[]) copies[0]);
        assertArrayEquals(longs, (long[]) copies[1]);
        assertArrayEquals(ints, (int[]) copies[2]);
        assertArrayEquals(chars, (char[]) copies[3]);
        assertArrayEquals(floats, (float[]) copies[4]);
        assertArrayEquals(shorts, (short[]) copies[5]);

        long[] part = new long[2];
        consumer.body(k, 32).readFully(part, 8, 8, 24);       // the last long into part[1]
        assertArrayEquals(new long[] {0, 1L << 40}, part);
        assertThrows(ProcessError.class, () -> consumer.body(k, 16).readFully(new byte[32], 0, 17, 0),
                "a read past the item");
        assertThrows(ProcessError.class, () -> consumer.body(consumer.slots(), 1), "no such slot");
        assertThrows(IllegalArgumentException.class, () -> producer.write(k, new long[2], 4, 8), "half a long");
    }

    @Test
    void aFileThatIsNotAFinishedArenaIsNeverUsed() throws IOException {
        assertNull(SpillArena.open(dir.toString(), false), "none yet: a consumer does not make one");
        Path file = dir.resolve(SpillArena.FILE);
        // What a creator killed between its ftruncate and its header leaves: zeros, no magic.
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(1), SpillArenaDescriptor.fileBytes(4, 4096) - 1);
        }
        assertNull(SpillArena.open(dir.toString(), false));
        assertNull(SpillArena.open(dir.toString(), true), "nor does a producer, which spills to files then");
        Files.delete(file);
        Files.write(file, new byte[10]);
        assertNull(SpillArena.open(dir.toString(), false), "shorter than a header");
    }
}
